// No false alarms and nothing lost: the whole suite passes, with zero failures, against servers that
// differ from the reference server only in ways the docs allow (src/mutation/variants.ts), and leaves
// each server's state exactly as it found it: every pre-existing project, runner, commit and build still
// there and unchanged, nothing the suite created left behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultConcurrency, formatReport, runHarness, type MutationReport } from '../../src/mutation/harness';
import { VARIANTS } from '../../src/mutation/variants';
import { reportsBelowSchemaErrors } from '../report/support';

describe('the suite against conforming variants of the reference server', () => {
  let report: MutationReport;
  let schema: ReturnType<typeof reportsBelowSchemaErrors>;

  beforeAll(async () => {
    const reportRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gcc-variants-'));
    report = await runHarness([], VARIANTS, { reportRoot, concurrency: defaultConcurrency() });
    process.stdout.write(`${formatReport(report)}\n`);
    schema = reportsBelowSchemaErrors(reportRoot);
    fs.rmSync(reportRoot, { recursive: true, force: true });
  }, 600_000);

  const result = (name: string) => {
    const found = report.variants.find((v) => v.name === name);
    if (!found) throw new Error(`variant ${name} did not run`);
    return found;
  };

  test.each(VARIANTS.map((v) => [v.name, v.description]))('variant %s (%s): every check passes, none is skipped', (name) => {
    const v = result(name);
    expect(v.problem).toBeUndefined();
    expect(v.falseAlarms.map((f) => `${f.id}: ${f.reason}`)).toEqual([]);
    expect(v.failed).toBe(0);
    expect(v.skipped).toBe(0);
    expect(v.passed).toBeGreaterThan(400);
    expect(v.serverErrors).toEqual([]);
    expect(v.exitCode).toBe(0);
  });

  test.each(VARIANTS.map((v) => [v.name]))('variant %s: the server holds after the run exactly what it held before', (name) => {
    const v = result(name);
    expect(v.stateChanges).toEqual([]);
    expect(v.leftBehind).toEqual([]);
  });

  test.each([['staging-data'], ['all-at-once']])('%s: the comparison covered the pre-existing projects, runners and commits', (name) => {
    expect(result(name).heldBefore).toEqual({ projects: 4, runners: 3, commits: 4 });
  });

  test('every report.json of these runs is valid against spec/report.schema.json', () => {
    expect(schema.reports).toBe(VARIANTS.length);
    expect(schema.errors).toEqual([]);
  });
});
