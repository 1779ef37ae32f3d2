// The mutant catalog is sound before anything runs: every fault of the fault proxy (src/faults/) is a
// mutant, every mutant names a rule of spec/rules.yaml, together they reach every rule and every check
// family the generated suites run, and the reference server itself knows nothing of them.
import fs from 'node:fs';
import path from 'node:path';
import { FAULTS, faultNamed } from '../../src/faults';
import { MUTANTS, selectionOf } from '../../src/mutation/mutants';
import { loadDescription } from '../../src/spec/load';
import type { ApiDescription } from '../../src/spec/types';

const SRC = path.resolve(__dirname, '..', '..', 'src');

/** Families not run by the generated suites: consumer contracts are seen failing in test/pact. */
const NOT_SUITE_FAMILIES = new Set(['consumer-contract']);

/** Every .ts file under dir, with its text. */
function sources(dir: string): Array<{ file: string; text: string }> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return sources(file);
    return e.name.endsWith('.ts') ? [{ file: path.relative(SRC, file), text: fs.readFileSync(file, 'utf8') }] : [];
  });
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

  test('every fault is a mutant breaking the rule the fault names, and there are at least 50', () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(50);
    const byName = new Map(MUTANTS.map((m) => [m.name, m]));
    expect(FAULTS.filter((f) => byName.get(f.name)?.fault !== f || byName.get(f.name)?.breaks !== f.breaks).map((f) => f.name)).toEqual([]);
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

  test('the reference server has no fault switch: no file of src/server speaks of faults or imports src/faults', () => {
    const mentions = sources(path.join(SRC, 'server')).filter(({ text }) => /\bfaults?\b|hasFault|src\/faults|\.\.\/faults/i.test(text));
    expect(mentions.map((m) => m.file)).toEqual([]);
  });

  test('an unknown fault name is refused rather than silently testing nothing', () => {
    expect(() => faultNamed('no-such-fault')).toThrow(/unknown fault "no-such-fault"/);
    expect(faultNamed('delete-keeps-project').breaks).toBe('DELETE-200');
  });
});
