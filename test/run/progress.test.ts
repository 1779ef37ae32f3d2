// Progress a person can follow: the run's first line (target, profile, checks planned) comes at once,
// before any request; a long suite file and a long Pact verification say how far they got while they
// run; and the lines always add up to the summary, also after an interrupt.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { readReport } from '../report/support';
import { startCli, startFaultyTarget, startReferenceStack, targetArgs, type RunningReferenceStack } from '../robustness/support';
import { bestOfAlternately } from '../timing';
import { ROOT, tempDir } from './helpers';

let stack: RunningReferenceStack;
beforeAll(async () => {
  stack = await startReferenceStack();
});
afterAll(() => stack.close());

/** The CLI in a child process: when it printed its first stderr line (ms after spawn), and when it ended. */
function timedCli(args: string[]): Promise<{ firstLineMs?: number; firstLine: string; exitMs: number; code: number | null }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'gitlab-ci-conformance.js'), ...args], { cwd: ROOT, env: { ...process.env, PACT_DO_NOT_TRACK: 'true' } });
    let stderr = '';
    let firstLineMs: number | undefined;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (firstLineMs === undefined && stderr.includes('\n')) firstLineMs = Date.now() - started;
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ firstLineMs, firstLine: stderr.split('\n')[0], exitMs: Date.now() - started, code }));
  });
}

/** The per-part lines (`  name: P passed, F failed, S skipped ...`), as counts. */
function partLines(stderr: string): Array<[string, number[]]> {
  return [...stderr.matchAll(/^ {2}([\w .-]+): (?:and )?(\d+) passed, (\d+) failed, (\d+) skipped/gm)].map((m): [string, number[]] => [m[1], [Number(m[2]), Number(m[3]), Number(m[4])]]);
}

/** The counts of the per-part lines added up, and those of the summary line. */
function tally(stderr: string): { summed: number[]; summary: number[] } {
  const summary = /^(\d+) passed, (\d+) failed, (\d+) skipped in /m.exec(stderr);
  expect(summary).not.toBeNull();
  const summed = partLines(stderr).reduce((sum, [, counts]) => sum.map((n, k) => n + counts[k]), [0, 0, 0]);
  return { summed, summary: summary!.slice(1, 4).map(Number) };
}

// Timing: the bound is the CLI listing the rules, measured in this test (alternately, best of up to three
// rounds: test/timing.ts).
test('the first line comes before any request, within twice the time the CLI takes to list the rules', async () => {
  const boundOf = (listing: { durationMs: number }) => 2 * listing.durationMs;
  let firstRequestAt: number | undefined;
  const proxy = await startFaultyTarget({ upstream: stack.url, fault: () => void (firstRequestAt ??= Date.now()) });
  try {
    const best = await bestOfAlternately(
      {
        // The baseline does what the first line needs: start the CLI and read the description.
        listing: async () => ({ durationMs: (await timedCli(['rules', '--json'])).exitMs }),
        run: async () => {
          firstRequestAt = undefined;
          const spawnedAt = Date.now();
          const run = await timedCli(['run', ...targetArgs(proxy.url, stack, tempDir('first-line')), '--only', 'GET-200']);
          expect(run.code).toBe(0);
          expect(run.firstLine).toMatch(new RegExp(`^gitlab-ci-conformance \\S+: certifying ${proxy.url.replace(/\./g, '\\.')}, profile strict: 5 checks planned$`));
          expect(spawnedAt + run.firstLineMs!).toBeLessThanOrEqual(firstRequestAt!);
          return { durationMs: run.firstLineMs! };
        },
      },
      (b) => b.run.durationMs < boundOf(b.listing),
    );
    expect(best.run.durationMs).toBeLessThan(boundOf(best.listing));
  } finally {
    await proxy.close();
  }
}, 60_000);

test('a long suite file and a long Pact verification say how far they got while they run; the lines add up to the summary', async () => {
  const proxy = await startFaultyTarget({ upstream: stack.url, fault: () => ({ kind: 'delay', ms: 150 }) });
  const reportDir = tempDir('progress');
  try {
    // One request at a time each for the suites and the verification, side by side.
    const child = startCli(['run', ...targetArgs(proxy.url, stack, reportDir), '--only', 'AUTH-USER-WRONG-KIND-401,gitlab', '--concurrency', '2']);
    const result = await child.done;
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n');
    const during = (part: string, unit: string) => lines.findIndex((l) => new RegExp(`^ {2}${part}: (\\d+) of (\\d+) ${unit}\\.\\.\\.$`).test(l));
    const ended = (part: string) => lines.findIndex((l) => new RegExp(`^ {2}${part}: \\d+ passed`).test(l));
    for (const [part, unit] of [['01_projects', 'checks done'], ['Pact verification', 'interactions replayed']]) {
      expect(during(part, unit)).toBeGreaterThan(0);
      expect(during(part, unit)).toBeLessThan(ended(part));
    }
    const { summed, summary } = tally(result.stderr);
    const report = readReport(reportDir);
    expect(summed).toEqual(summary);
    expect(summary).toEqual([report.summary.passed, report.summary.failed, report.summary.skipped]);
  } finally {
    await proxy.close();
  }
}, 120_000);

test('stopped by SIGINT midway, the lines printed before and after the signal add up to the partial summary and report', async () => {
  const proxy = await startFaultyTarget({ upstream: stack.url, fault: () => ({ kind: 'delay', ms: 10 }) });
  const reportDir = tempDir('progress-sigint');
  try {
    // Few enough requests in flight that the parts end one after another, not all in the same moment.
    const child = startCli(['run', ...targetArgs(proxy.url, stack, reportDir), '--timeout', '3000', '--concurrency', '16']);
    const aPartEnded = /^ {2}\S+: \d+ passed, \d+ failed, \d+ skipped \(\d/m;
    while (!aPartEnded.test(child.stderr())) await new Promise((resolve) => setTimeout(resolve, 50));
    // Into the next part far enough for some of its checks to have ended (a run that ends first fails below).
    const ended = await Promise.race([proxy.seen(proxy.requests.length + 60).then(() => false), child.done.then(() => true)]);
    expect({ runEndedBeforeTheSignal: ended }).toEqual({ runEndedBeforeTheSignal: false });
    child.process.kill('SIGINT');
    const result = await child.done;
    expect(result.code).toBe(130);
    const [before, after] = result.stderr.split('SIGINT: stopping');
    const { summed, summary } = tally(result.stderr);
    expect(partLines(before).length).toBeGreaterThan(0);
    expect(partLines(after).length).toBeGreaterThan(0);
    const report = readReport(reportDir);
    expect(report.interrupted).toBe('stopped by SIGINT');
    expect(summed).toEqual(summary);
    expect(summary).toEqual([report.summary.passed, report.summary.failed, report.summary.skipped]);
  } finally {
    await proxy.close();
  }
}, 120_000);
