// The mutant catalog is sound before anything runs: every fault switch of the reference server is wired
// in exactly where its name says and has a mutant, every mutant names a rule of spec/rules.yaml, and
// together they reach every check family the generated suites run.
import fs from 'node:fs';
import path from 'node:path';
import { PROXY_FAULTS } from '../../src/faults/rewrites';
import { MUTANTS, selectionOf } from '../../src/mutation/mutants';
import { FAULTS, faultSet } from '../../src/server/faults';
import { loadDescription } from '../../src/spec/load';
import type { ApiDescription } from '../../src/spec/types';

const SERVER_DIR = path.resolve(__dirname, '..', '..', 'src', 'server');

/** Families not run by the generated suites: consumer contracts are seen failing in test/pact. */
const NOT_SUITE_FAMILIES = new Set(['consumer-contract']);

/** The code of src/server, less the catalog itself. */
function sources(dir: string): string {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : /(?<!faults)\.ts$/.test(e.name) ? fs.readFileSync(path.join(dir, e.name), 'utf8') : ''))
    .join('\n');
}

describe('the mutant catalog', () => {
  let description: ApiDescription;
  beforeAll(async () => {
    description = await loadDescription();
  });

  test('every mutant has a unique name and breaks a rule of the catalog', () => {
    const ids = new Set(description.catalog.rules.map((r) => r.id));
    const names = MUTANTS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    expect(MUTANTS.filter((m) => !ids.has(m.breaks)).map((m) => m.name)).toEqual([]);
    const known = new Set([...ids, ...description.operations.map((o) => o.operationId)]);
    expect(MUTANTS.flatMap((m) => selectionOf(m).filter((s) => !known.has(s)))).toEqual([]);
  });

  test('there are at least 30 mutants, and every server fault and proxy fault is one of them', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(30);
    const used = new Set(MUTANTS.map((m) => ('fault' in m.how ? m.how.fault : m.how.proxy)));
    expect([...FAULTS.map((f) => f.name), ...PROXY_FAULTS.map((f) => f.name)].filter((n) => !used.has(n))).toEqual([]);
  });

  test('every rule the suites run has a mutant that breaks it', () => {
    const broken = new Set(MUTANTS.map((m) => m.breaks));
    const rules = description.catalog.rules.filter((r) => !NOT_SUITE_FAMILIES.has(r.family)).map((r) => r.id);
    expect(rules.filter((id) => !broken.has(id))).toEqual([]);
  });

  test('every check family the suites run has at least one mutant', () => {
    const familyOf = new Map(description.catalog.rules.map((r) => [r.id, r.family]));
    const covered = new Set(MUTANTS.map((m) => familyOf.get(m.breaks)));
    const families = [...new Set(description.catalog.rules.map((r) => r.family))].filter((f) => !NOT_SUITE_FAMILIES.has(f));
    expect(families.filter((f) => !covered.has(f))).toEqual([]);
  });

  test("every fault switch is a hasFault(ctx, 'name') line in src/server", () => {
    const code = sources(SERVER_DIR);
    const wired = new Set([...code.matchAll(/hasFault\(\w+, '([a-z0-9-]+)'\)/g)].map((m) => m[1]));
    expect(FAULTS.map((f) => f.name).filter((n) => !wired.has(n))).toEqual([]);
    expect([...wired].filter((n) => !FAULTS.some((f) => f.name === n))).toEqual([]);
  });

  test('an unknown fault name is refused rather than silently testing nothing', () => {
    expect(() => faultSet(['no-such-fault'])).toThrow(/unknown fault "no-such-fault"/);
  });
});
