// run --shard i/n and merge-reports: every check in exactly one shard, shards balanced by expected cost,
// each shard cleaning up after itself; the shards' reports merged have the checks and totals of the run
// without --shard. merge-reports refuses parts that are not one run's, with one line and exit 2.
import fs from 'node:fs';
import path from 'node:path';
import { loadPacts } from '../../src/pact/files';
import type { RunReport } from '../../src/report/write';
import { inShard, runPlan, type PlannedCheck } from '../../src/runner/plan';
import { loadDescription } from '../../src/spec/load';
import { readReport, schemaErrors } from '../report/support';
import { leftovers, STACK_LINE, startReferenceStack, targetArgs, type RunningReferenceStack } from '../robustness/support';
import { runCli, tempDir, type CliResult } from './helpers';

describe('the plan split into shards', () => {
  let all: PlannedCheck[];
  beforeAll(async () => {
    all = runPlan(await loadDescription(), loadPacts(), { only: [], skip: [], profile: 'strict' });
  });

  test.each([1, 2, 3, 5])('into %i: every check in exactly one shard, the same each time, within one check of the ideal balance', (total) => {
    const shards = Array.from({ length: total }, (_, k) => inShard(all, { index: k + 1, total }));
    const ids = shards.flatMap((s) => s.map((c) => c.id));
    expect(ids).toHaveLength(all.length);
    expect(new Set(ids)).toEqual(new Set(all.map((c) => c.id)));
    expect(inShard(all, { index: total, total })).toEqual(shards[total - 1]);
    const loads = shards.map((s) => s.reduce((sum, c) => sum + c.cost, 0));
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(Math.max(...all.map((c) => c.cost)));
  });

  test('Pact interactions are shared out too, and a shard keeps the plan order', () => {
    const shards = [1, 2, 3].map((index) => inShard(all, { index, total: 3 }));
    for (const shard of shards) {
      expect(shard.some((c) => c.rule === 'CONSUMER-CONTRACT')).toBe(true);
      expect(shard).toEqual(all.filter((c) => shard.includes(c)));
    }
  });
});

describe('three shards against one target, merged', () => {
  let stack: RunningReferenceStack;
  const root = tempDir('shards');
  const dirs = [1, 2, 3].map((index) => path.join(root, `shard-${index}`));
  let whole: RunReport;
  let shards: RunReport[];
  let shardRuns: CliResult[];
  let merge: CliResult;
  let merged: RunReport;
  let leftAfterEach: Array<Awaited<ReturnType<typeof leftovers>>>;

  beforeAll(async () => {
    stack = await startReferenceStack();
    const unsharded = await runCli(['run', ...targetArgs(stack.url, stack, path.join(root, 'whole'))]);
    expect(unsharded.code).toBe(0);
    whole = readReport(path.join(root, 'whole'));
    shardRuns = [];
    leftAfterEach = [];
    for (const [k, dir] of dirs.entries()) {
      shardRuns.push(await runCli(['run', ...targetArgs(stack.url, stack, dir), '--shard', `${k + 1}/3`]));
      leftAfterEach.push(await leftovers(stack));
    }
    shards = dirs.map(readReport);
    merge = await runCli(['merge-reports', ...dirs, '--report-dir', path.join(root, 'merged')]);
    merged = readReport(path.join(root, 'merged'));
  }, 240_000);
  afterAll(() => stack.close());

  test('each shard passes, says which part it runs in its first line, and leaves nothing behind', () => {
    shardRuns.forEach((run, k) => {
      expect(run.code).toBe(0);
      expect(run.stderr.split('\n')[0]).toMatch(new RegExp(`: ${shards[k].checks.length} checks planned \\(shard ${k + 1}/3\\)$`));
      expect(shards[k].shard).toEqual({ index: k + 1, total: 3 });
      expect(leftAfterEach[k]).toEqual({ projects: [], runners: [] });
    });
  });

  test('the union of the shards is the unsharded set of check IDs, none twice', () => {
    const ids = shards.flatMap((s) => s.checks.map((c) => c.id));
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(whole.checks.map((c) => c.id)));
  });

  test('merge-reports writes the three reports with the summary of the unsharded run, and exits 0', () => {
    expect({ code: merge.code, stderr: merge.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^merged 3 shards: \d+ passed, 0 failed/) });
    expect(merged.summary).toEqual(whole.summary);
    expect(merged.checks.map((c) => c.id).sort()).toEqual(whole.checks.map((c) => c.id).sort());
    expect(schemaErrors(merged)).toEqual([]);
    expect(merged.shard).toBeUndefined();
    expect(merged.mergedFrom?.map((m) => m.shard.index)).toEqual([1, 2, 3]);
    expect(merged.runId).toBe(shards.map((s) => s.runId).join('+'));
    for (const file of ['junit.xml', 'report.html']) expect(fs.existsSync(path.join(root, 'merged', file))).toBe(true);
  });

  /** A copy of shard 2's report with one thing changed. */
  function altered(change: (report: RunReport) => void): string {
    const dir = tempDir('altered');
    const report = JSON.parse(fs.readFileSync(path.join(dirs[1], 'report.json'), 'utf8')) as RunReport;
    change(report);
    fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report));
    return dir;
  }

  test.each([
    ['a missing shard', () => [dirs[0], dirs[2]], /missing the report of shard 2\/3/],
    ['a shard given twice', () => [dirs[0], dirs[1], dirs[1], dirs[2]], /shard 2\/3 given twice/],
    ['another tool version', () => [dirs[0], altered((r) => (r.tool.version = '9.9.9')), dirs[2]], /differ in tool version \(\S+ vs 9\.9\.9\)/],
    ['another description', () => [dirs[0], altered((r) => (r.description.sha256 = '0'.repeat(64))), dirs[2]], /differ in description/],
    ['another target', () => [dirs[0], altered((r) => (r.target = 'http://elsewhere.example')), dirs[2]], /differ in target/],
    ['a folder without report.json', () => [dirs[0], tempDir('empty'), dirs[2]], /cannot read .*report\.json: no such file/],
    ['a run without --shard', () => [path.join(root, 'whole'), dirs[1]], /run without --shard/],
  ])('refuses %s: one line, exit 2', async (_what, inputs, message) => {
    const result = await runCli(['merge-reports', ...inputs(), '--report-dir', tempDir('refused')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  test('refuses to write the merged reports over a shard directory', async () => {
    const result = await runCli(['merge-reports', ...dirs, '--report-dir', dirs[0]]);
    expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({ code: 2, stderr: expect.stringMatching(/--report-dir .*holds a shard's report/) });
  });
});

test.each(['4/3', '0/2', '1', 'a/b'])('--shard %s is a bad option: one line naming it, exit 2', async (value) => {
  const result = await runCli(['run', '--shard', value, '--report-dir', tempDir('bad-shard')]);
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
  expect(result.stderr.trim().split('\n')).toEqual([`gitlab-ci-conformance: --shard: expected i/n with 1 <= i <= n (the i-th of n parts, e.g. 2/3), got "${value}"`]);
});
