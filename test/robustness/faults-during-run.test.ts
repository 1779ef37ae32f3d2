// Faults of the target during a run never crash or hang it: the check that met the fault fails with the
// evidence, the run goes on to its end, cleans up and exits 1.
import type { RunReport } from '../../src/report/write';
import { readReport } from '../report/support';
import { runCli } from '../run/helpers';
import { leftovers, STACK_LINE, startFaultyTarget, startReferenceStack, targetArgs, tempDir, type Fault, type FaultyTarget, type RunningReferenceStack } from './support';

let stack: RunningReferenceStack;
beforeAll(async () => {
  stack = await startReferenceStack();
});
afterAll(() => stack.close());

describe('faults of single responses', () => {
  // The first GET /runners requests meet one fault each; state set-up never lists runners, so only
  // checks meet them (listRunners, and registerRunner reading its runner back).
  const FAULTS: Fault[] = [
    { kind: 'delay', ms: 2_500 },
    { kind: 'reset' },
    { kind: 'truncate' },
    // Several: a check that only judges the status (GET-200) passes with a 200 whatever its body.
    ...Array.from({ length: 5 }, (): Fault => ({ kind: 'not-json' })),
    // Several 503s: a check that only judges the body (is it JSON?) passes with a JSON 503.
    { kind: 'status', status: 503 },
    { kind: 'status', status: 503 },
    { kind: 'status', status: 503 },
  ];
  let report: RunReport;
  let result: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    let listed = 0;
    const proxy = await startFaultyTarget({
      upstream: stack.url,
      fault: (r) => (r.method === 'GET' && r.path.replace(/\.json$/, '') === '/runners' ? FAULTS[listed++] : undefined),
    });
    const reportDir = tempDir('faults');
    try {
      result = await runCli(['run', ...targetArgs(proxy.url, stack, reportDir), '--only', 'runners', '--timeout', '1000']);
    } finally {
      await proxy.close();
    }
    report = readReport(reportDir);
  }, 120_000);

  // The checks whose failing request was a GET /runners (listRunners, and read-backs of registerRunner).
  const failedListRunners = () =>
    report.checks.filter((c) => {
      const request = c.evidence?.request;
      return c.status === 'failed' && request?.method === 'GET' && new URL(request.url).pathname.replace(/\.json$/, '') === '/api/v1/runners';
    });

  test('the run ends with exit 1, no stack trace, and everything it created removed', async () => {
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(report.leftBehind).toEqual([]);
    expect(await leftovers(stack)).toEqual({ projects: [], runners: [] });
  });

  test('a response slower than --timeout fails its check with "timed out after 1000 ms"', () => {
    expect(failedListRunners().map((c) => c.reason)).toContainEqual(expect.stringContaining('timed out after 1000 ms'));
  });

  test('a connection reset and a truncated body fail their checks with the cause', () => {
    const reasons = failedListRunners().map((c) => c.reason);
    expect(reasons).toContainEqual(expect.stringContaining('connection reset by the server'));
    expect(reasons).toContainEqual(expect.stringContaining('truncated response'));
  });

  test('a 200 that is not JSON and a 503 fail their checks with the response as evidence', () => {
    const responses = failedListRunners().map((c) => c.evidence?.response);
    expect(responses).toContainEqual(expect.objectContaining({ status: 200, body: expect.stringContaining('maintenance page') }));
    expect(responses).toContainEqual(expect.objectContaining({ status: 503 }));
  });

  test('the run goes on: only the checks that met a fault failed', () => {
    expect(failedListRunners().length).toBeLessThanOrEqual(FAULTS.length);
    expect(report.checks.filter((c) => c.status === 'failed' && c.operation !== 'GET /runners')).toEqual([]);
    expect(report.summary.passed).toBeGreaterThan(40);
  });
});

describe('the target dies in the middle of the run', () => {
  let report: RunReport;
  let result: Awaited<ReturnType<typeof runCli>>;
  let left: Awaited<ReturnType<typeof leftovers>>;
  let proxy: FaultyTarget;

  /** The same run against a target that lives (timing: the bound below is measured, not fixed). */
  let baselineMs: number;

  beforeAll(async () => {
    const living = await startFaultyTarget({ upstream: stack.url });
    try {
      baselineMs = (await runCli(['run', ...targetArgs(living.url, stack, tempDir('lives')), '--timeout', '2000'], {}, 110_000)).durationMs;
    } finally {
      await living.close();
    }
    proxy = await startFaultyTarget({ upstream: stack.url });
    void proxy.seen(150).then(() => proxy.kill());
    const reportDir = tempDir('dies');
    try {
      result = await runCli(['run', ...targetArgs(proxy.url, stack, reportDir), '--timeout', '2000'], {}, 110_000);
    } finally {
      await proxy.close();
    }
    report = readReport(reportDir);
    left = await leftovers(stack);
  }, 130_000);

  test('the run ends with exit 1 and writes its report', () => {
    expect(result.code).toBe(1);
    // Cases that cannot reach the target fail at once, and the GitLab id pool fails at once when no id can
    // come back: no longer than the living target's run, and the --timeout of requests in flight at the death.
    expect(result.durationMs).toBeLessThan(2 * baselineMs + 2000);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(report.summary.failed).toBeGreaterThan(0);
  });

  test('the checks after the death fail with the cause', () => {
    const reasons = report.checks.filter((c) => c.status === 'failed').map((c) => c.reason ?? '');
    expect(reasons.filter((r) => /connection refused|connection reset/.test(r)).length).toBeGreaterThan(reasons.length / 2);
  });

  test('clean-up was attempted: what is still on the target is listed by id in report.json and on stderr', () => {
    // A project or runner whose creation got no answer before the target died is not known by id: the
    // report then says which names (descriptions) to look for, and only then.
    const creationCut = (path: RegExp) => proxy.requests.some((r) => r.method === 'POST' && path.test(r.path) && !r.answered);
    const projectsByName = report.leftBehind.some((line) => /^CI projects created by requests that got no usable answer/.test(line));
    const runnersByName = report.leftBehind.some((line) => /^runners registered by requests that got no usable answer/.test(line));
    for (const id of left.projects) {
      const byId = report.leftBehind.some((line) => line.startsWith(`CI project ${id} `));
      expect(byId || projectsByName).toBe(true);
      if (byId) expect(result.stderr).toContain(`CI project ${id} `);
    }
    for (const id of left.runners) {
      const byId = report.leftBehind.some((line) => line.startsWith(`runner ${id}: `));
      expect(byId || runnersByName).toBe(true);
      if (byId) expect(result.stderr).toContain(`runner ${id}: `);
    }
    if (creationCut(/^\/runners\/register(\.json)?$/)) expect(runnersByName).toBe(true);
    if (creationCut(/^\/(projects|forks)(\.json)?$/)) expect(projectsByName || left.projects.length === 0).toBe(true);
  });
});
