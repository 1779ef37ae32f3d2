// The description against fixtures/api-docs-inventory.json, an independent list written from the docs:
// every documented operation, every parameter of the resource pages (required flag, where it travels), the auth
// method(s) of each operation and the docs' example responses.
import { loadDescription, operationLabel } from '../../src/spec/load';
import { lintDocument, lintInventory, REQUEST_CONTENT_TYPES } from '../../src/spec/lint';
import type { ApiDescription, Operation } from '../../src/spec/types';
import { readInventory } from './helpers';

const inventory = readInventory();
let description: ApiDescription;
beforeAll(async () => {
  description = await loadDescription();
});

function find(method: string, path: string): Operation | undefined {
  return description.operations.find((op) => op.method === method && op.path === path);
}

describe('the docs inventory', () => {
  it(`has ${inventory.operations.length} documented operations, each once, as many as the description has`, () => {
    expect(inventory.operations.length).toBeGreaterThan(0);
    expect(new Set(inventory.operations.map((o) => `${o.method} ${o.path}`)).size).toBe(inventory.operations.length);
    expect(new Set(inventory.operations.map((o) => o.operationId)).size).toBe(inventory.operations.length);
    expect(description.operations).toHaveLength(inventory.operations.length);
  });

  it('matches the description (lintInventory finds nothing)', () => {
    expect(lintInventory(description, inventory)).toEqual([]);
  });

  it('the description describes no operation the docs lack', () => {
    const documented = new Set(inventory.operations.map((o) => `${o.method} ${o.path}`));
    expect(description.operations.map(operationLabel).filter((l) => !documented.has(l))).toEqual([]);
  });
});

describe.each(inventory.operations.map((o) => [`${o.method} ${o.path}`, o] as const))('%s', (_label, inv) => {
  it(`is described, as ${inv.operationId}`, () => {
    const op = find(inv.method, inv.path);
    expect(op).toBeDefined();
    expect(op!.operationId).toBe(inv.operationId);
  });

  it(`authenticates with ${inv.auth.join(' + ')}`, () => {
    const methods = [...new Set(find(inv.method, inv.path)!.auth.map((a) => a.method))].sort();
    expect(methods).toEqual([...inv.auth].sort());
  });

  if (inv.parameters.length > 0) {
    it.each(inv.parameters.map((p) => [p.name, p.in, p.required ? 'required' : 'optional', p] as const))(
      'has parameter %s in %s, %s',
      (name, where, _flag, p) => {
        const param = find(inv.method, inv.path)!.parameters.find((q) => q.name === name && q.in === where);
        expect(param).toBeDefined();
        expect(param!.required).toBe(p.required);
      },
    );
  }

  if (inv.parameters.some((p) => p.in === 'body')) {
    it(`takes its body as ${REQUEST_CONTENT_TYPES.join(' and ')}`, () => {
      expect(find(inv.method, inv.path)!.requestContentTypes).toEqual(expect.arrayContaining([...REQUEST_CONTENT_TYPES]));
    });
  }
});

describe('document-level promises', () => {
  it('the .json suffix is a documented equivalence, and both request encodings are described', () => {
    expect(lintDocument(description)).toEqual([]);
  });
});
