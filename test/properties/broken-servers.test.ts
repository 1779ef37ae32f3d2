// The generated checks seen failing (issue 12): against broken servers made outside the reference server
// (fault proxies, src/faults/generated.ts), each is caught by its rule, and the report holds the seed, the
// shrunk input (or the shortest failing sequence) and a replay of the shrunk request. And against the
// reference server itself, many more valid inputs than a run tries are all accepted: "valid by the schema"
// means "accepted".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GENERATED_FAULTS } from '../../src/faults/generated';
import { defaultConcurrency, runHarness, type MutationReport } from '../../src/mutation/harness';
import { MUTANTS } from '../../src/mutation/mutants';
import type { RunReport } from '../../src/report/write';
import { readReport } from '../report/support';
import { runCli, tempDir } from '../run/helpers';

describe('broken servers the generated checks catch', () => {
  const reportRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gcc-generated-'));
  const mutants = MUTANTS.filter((m) => GENERATED_FAULTS.some((f) => f.name === m.name));
  let harness: MutationReport;
  const report = (name: string): RunReport => readReport(path.join(reportRoot, 'mutants', name));

  beforeAll(async () => {
    harness = await runHarness(mutants, [], { reportRoot, concurrency: defaultConcurrency() });
  }, 300_000);
  afterAll(() => fs.rmSync(reportRoot, { recursive: true, force: true }));

  test.each(GENERATED_FAULTS.map((f) => [f.name, f.breaks]))('%s is caught by %s, with the seed, the shrunk input and its replay', (name, rule) => {
    expect(harness.mutants.find((m) => m.name === name)).toMatchObject({ caught: true, problem: undefined });
    const run = report(name);
    const failed = run.checks.filter((c) => c.status === 'failed' && c.rule === rule);
    expect(failed.length).toBeGreaterThan(0);
    for (const check of failed) {
      expect(check.reason).toContain(`Seed ${run.seed} (replay: --seed ${run.seed})`);
      expect(check.reason).toMatch(/shrunk \d+ time\(s\) to /);
      expect(check.evidence?.curl).toMatch(/curl /);
    }
  });

  test('a 500 for a NUL or an emoji is reported with the input shrunk to one field holding one character', () => {
    const check = report('text-nul-or-emoji-500').checks.find((c) => c.id === 'updateProject:GENERATED-VALID-ACCEPTED');
    expect(check?.reason).toMatch(/shrunk \d+ time\(s\) to the input \{"encoding":"(json|form)","query":\{\},"body":\{"[a-z_]+":"\\u(0000|\{[0-9A-F]{5,6}\})"\}\}/);
    // The replay is the shrunk request: its body holds that one field.
    expect(check?.evidence?.request.body).toMatch(/^\{"[a-z_]+":"|^[a-z_]+=%/);
  });

  test('a list that forgets what was created: the failing sequence is in the reason, its requests in the evidence', () => {
    const check = report('projects-list-forgets-newest').checks.find((c) => c.rule === 'LISTS-SHOW-CREATED');
    expect(check?.reason).toMatch(/to the sequence of \d step\(s\): create a project .*GET \/projects: project \d+ .* is missing/);
    expect(check?.evidence?.exchanges.some((e) => e.request.method === 'POST' && e.request.url.includes('/projects'))).toBe(true);
  });
});

describe('valid by the schema means accepted', () => {
  test('25 random inputs per operation, generated from the schemas with real credentials and ids, are all accepted by the reference server', async () => {
    const reportDir = tempDir('valid');
    const result = await runCli(['run', '--only', 'GENERATED-VALID-ACCEPTED', '--examples', '25', '--report-dir', reportDir], {}, 240_000);
    const run = readReport(reportDir);
    expect(run.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    expect(run.checks.length).toBe(8);
    expect(run.options).toMatchObject({ examples: 25 });
    expect(result.code).toBe(0);
  }, 240_000);
});
