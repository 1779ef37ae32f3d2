// Every mutant (a server that breaks exactly one rule: src/mutation/mutants.ts) is caught by the rule it
// breaks: the suite, run as users run it (`run --target ... --only RULE`), reports a failed check of that
// rule. A check nobody has seen fire is not trusted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultConcurrency, formatReport, runHarness, type MutationReport } from '../../src/mutation/harness';
import { MUTANTS } from '../../src/mutation/mutants';
import { reportsBelowSchemaErrors } from '../report/support';

describe('the suite against every mutant', () => {
  let report: MutationReport;
  let schema: ReturnType<typeof reportsBelowSchemaErrors>;

  beforeAll(async () => {
    const reportRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gcc-mutants-'));
    report = await runHarness(MUTANTS, [], { reportRoot, concurrency: defaultConcurrency() });
    process.stdout.write(`${formatReport(report)}\n`);
    schema = reportsBelowSchemaErrors(reportRoot);
    fs.rmSync(reportRoot, { recursive: true, force: true });
  }, 600_000);

  test.each(MUTANTS.map((m) => [m.name, m.breaks]))('mutant %s is caught by %s', (name, breaks) => {
    const result = report.mutants.find((m) => m.name === name);
    expect(result?.problem).toBeUndefined();
    expect(result?.caughtBy).toContain(breaks);
    expect(result?.exitCode).toBe(1);
  });

  test('the mutation score is 100%', () => {
    expect(report.score).toEqual({ caught: MUTANTS.length, total: MUTANTS.length, percent: 100 });
  });

  test('every report.json of these runs is valid against spec/report.schema.json', () => {
    expect(schema.reports).toBe(MUTANTS.length);
    expect(schema.errors).toEqual([]);
  });
});
