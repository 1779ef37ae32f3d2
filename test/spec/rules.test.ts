// The rule catalog (spec/rules.yaml) against the operations' x-conformance.rules, x-auth and responses.
import { loadDescription, operationLabel } from '../../src/spec/load';
import { lintAuth, lintCatalog, lintProfiles, lintStatuses, reachableStatuses, STATUS_FAMILIES } from '../../src/spec/lint';
import type { ApiDescription, Rule } from '../../src/spec/types';
import { readInventory } from './helpers';

const inventory = readInventory();
const documentedLabels = inventory.operations.map((o) => `${o.method} ${o.path}`);

let description: ApiDescription;
let rules: Map<string, Rule>;
beforeAll(async () => {
  description = await loadDescription();
  rules = new Map(description.catalog.rules.map((r) => [r.id, r]));
});

describe('the rule catalog', () => {
  it('has unique IDs, each with a source (page, section, quote), each used by an operation', () => {
    expect(lintCatalog(description)).toEqual([]);
    const ids = description.catalog.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of description.catalog.rules) {
      expect(r.source.page && r.source.section && r.source.quote).toBeTruthy();
      expect(description.operations.some((op) => op.rules.includes(r.id))).toBe(true);
    }
  });

  it('its profiles are declared, and every departure of a rule from strict is well-formed and departs (lintProfiles)', () => {
    expect(lintProfiles(description)).toEqual([]);
    expect(Object.keys(description.catalog.profiles)).toEqual(['strict', 'gitlab-ci-8.0']);
  });

  it('every rule ID an operation names is in the catalog', () => {
    for (const op of description.operations) {
      for (const id of op.rules) expect([operationLabel(op), rules.has(id)]).toEqual([operationLabel(op), true]);
    }
  });

  it('every operation has its auth rules: accepted and rejected per x-auth method, none for a method it lacks', () => {
    expect(lintAuth(description)).toEqual([]);
  });

  it('every documented status is reachable through a rule, and every status a rule reaches is documented', () => {
    expect(lintStatuses(description)).toEqual([]);
  });
});

describe('per operation', () => {
  const labels = () => description.operations.map(operationLabel);
  it(`covers the ${documentedLabels.length} operations of the docs inventory`, () => expect(labels().sort()).toEqual([...documentedLabels].sort()));

  it.each(documentedLabels.map((label) => [label]))('%s: each documented status maps to a rule family of the operation', (label) => {
    const op = description.operations.find((o) => operationLabel(o) === label)!;
    const opRules = op.rules.map((id) => rules.get(id)!);
    for (const status of Object.keys(op.responses).map(Number)) {
      const families = STATUS_FAMILIES[status];
      const covering = opRules.filter((r) => families.includes(r.family) && reachableStatuses(r, op).includes(status));
      expect([label, status, covering.length > 0]).toEqual([label, status, true]);
    }
    for (const method of new Set(op.auth.map((a) => a.method))) {
      expect([label, method, opRules.some((r) => r.family === 'auth-accepted' && r.auth === method)]).toEqual([label, method, true]);
    }
    expect(opRules.some((r) => r.family === 'auth-rejected')).toBe(true);
  });

  it('a rule with an auth method is only on operations that authenticate that way', () => {
    for (const op of description.operations) {
      const methods = new Set(op.auth.map((a) => a.method));
      for (const id of op.rules) {
        const auth = rules.get(id)?.auth;
        if (auth) expect([operationLabel(op), id, methods.has(auth)]).toEqual([operationLabel(op), id, true]);
      }
    }
  });

  it('UNKNOWN-RESOURCE-404 only where a 404 is documented', () => {
    for (const op of description.operations.filter((o) => o.rules.includes('UNKNOWN-RESOURCE-404'))) {
      expect(op.responses['404']).toBeDefined();
    }
  });

  it('every error response is {"message": string}', () => {
    for (const op of description.operations) {
      for (const [status, schema] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        expect(schema?.type).toBe('object');
        expect(schema?.required).toContain('message');
        expect((schema?.properties?.message as { type?: string }).type).toBe('string');
      }
    }
  });
});
