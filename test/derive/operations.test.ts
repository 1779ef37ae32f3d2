// The operations table (src/scenarios/operations.ts) against the description: one entry per operation,
// and each entry says what the generic derivation and scenarios need of its operation.
import { loadDescription } from '../../src/spec/load';
import type { ApiDescription } from '../../src/spec/types';
import { OPERATIONS, knowledgeOf } from '../../src/scenarios/operations';

let description: ApiDescription;
beforeAll(async () => {
  description = await loadDescription();
});

const documented = (statuses: Record<string, unknown>) => Object.keys(statuses).map(Number);

describe('the operations table', () => {
  it('has one entry per operation of the description, and no other', () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(description.operations.map((op) => op.operationId).sort());
  });

  it('says what every path parameter names, and names only path parameters', () => {
    for (const op of description.operations) {
      const pathParams = op.parameters.filter((p) => p.in === 'path').map((p) => p.name).sort();
      expect([op.operationId, Object.keys(knowledgeOf(op.operationId).ids ?? {}).sort()]).toEqual([op.operationId, pathParams]);
    }
  });

  it('gives an invalid body value to every operation that documents 422, and to no other', () => {
    for (const op of description.operations) {
      const invalid = knowledgeOf(op.operationId).invalid;
      expect([op.operationId, invalid !== undefined]).toEqual([op.operationId, documented(op.responses).includes(422)]);
      if (invalid) expect(op.parameters.some((p) => p.in === 'body' && p.name === invalid.field)).toBe(true);
    }
  });

  it('says who answers 403 to every operation whose first credential is the user\'s and that documents 403', () => {
    for (const op of description.operations) {
      const needed = op.auth[0]?.method === 'user' && documented(op.responses).includes(403);
      expect([op.operationId, knowledgeOf(op.operationId).forbiddenUser !== undefined]).toEqual([op.operationId, needed]);
    }
  });

  it('provokes specially only statuses the operation documents', () => {
    for (const op of description.operations) {
      const special = Object.keys(knowledgeOf(op.operationId).provoke ?? {}).map(Number);
      expect([op.operationId, special.filter((s) => !documented(op.responses).includes(s))]).toEqual([op.operationId, []]);
    }
  });

  it('fails loudly for an operation it does not know', () => {
    expect(() => knowledgeOf('deleteEverything')).toThrow(/no entry for the operation deleteEverything/);
  });
});
