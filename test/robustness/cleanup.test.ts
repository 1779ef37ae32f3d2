// Clean-up a staging owner can trust: what the run created is removed at the end, also when the run is
// stopped by SIGINT or SIGTERM (then it writes the partial reports and exits non-zero); what could not
// be removed is listed by id in report.json and on stderr.
import { runCli } from '../run/helpers';
import { leftovers, STACK_LINE, startCli, startFaultyTarget, startReferenceStack, targetArgs, tempDir, type RunningReferenceStack } from './support';
import { readReport } from '../report/support';

let stack: RunningReferenceStack;
beforeAll(async () => {
  stack = await startReferenceStack();
});
afterAll(() => stack.close());

test('a project the target refuses to delete is listed by id in report.json and on stderr; the rest is removed', async () => {
  let kept: number | undefined;
  const proxy = await startFaultyTarget({
    upstream: stack.url,
    fault: (r) => {
      if (kept === undefined && r.method === 'POST' && r.path === '/projects/1') return undefined;
      const id = /^\/projects\/(\d+)$/.exec(r.path)?.[1];
      if (r.method === 'DELETE' && id !== undefined && Number(id) === (kept ??= Number(id))) return { kind: 'status', status: 500 };
      return undefined;
    },
  });
  const reportDir = tempDir('refused');
  try {
    const result = await runCli(['run', ...targetArgs(proxy.url, stack, reportDir), '--only', 'runners']);
    const report = readReport(reportDir);
    expect(result.code).toBe(1);
    expect(report.leftBehind).toEqual([expect.stringMatching(new RegExp(`^CI project ${kept} \\(gitlab_id \\d+\\): the server refused`))]);
    expect(result.stderr).toContain(`CI project ${kept} (gitlab_id`);
    expect(await leftovers(stack)).toEqual({ projects: [kept], runners: [] });
  } finally {
    await proxy.close();
    await fetch(`${stack.url}/api/v1/projects/${kept}?private_token=${stack.users.maintainer}&url=${encodeURIComponent(stack.gitlabUrl)}`, { method: 'DELETE' });
  }
}, 120_000);

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('a run stopped by %s', (signal, exitCode) => {
  test(`stops sending, removes everything it created, writes the partial reports, exits ${exitCode}`, async () => {
    const proxy = await startFaultyTarget({ upstream: stack.url });
    const reportDir = tempDir(`signal-${signal}`);
    try {
      const child = startCli(['run', ...targetArgs(proxy.url, stack, reportDir), '--timeout', '3000']);
      await proxy.seen(200);
      const before = await leftovers(stack);
      child.process.kill(signal);
      const result = await child.done;
      const report = readReport(reportDir);
      expect(before.projects.length).toBeGreaterThan(0); // it was mid-run, with state on the target
      expect(result.code).toBe(exitCode);
      expect(result.stderr).toContain(`${signal}: stopping`);
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(report.interrupted).toBe(`stopped by ${signal}`);
      expect(report.leftBehind).toEqual([]);
      expect(report.checks.length).toBeGreaterThan(0);
      expect(report.checks.length).toBeLessThan(400);
      expect(report.checks.filter((c) => /the run is stopping/.test(c.reason ?? ''))).toEqual([]);
      expect(await leftovers(stack)).toEqual({ projects: [], runners: [] });
      // Nothing was sent after the clean-up: the last requests are the removals.
      const afterSignal = proxy.requests.slice(-5).map((r) => r.method);
      expect(afterSignal.every((m) => m === 'DELETE' || m === 'GET')).toBe(true);
    } finally {
      await proxy.close();
    }
  }, 120_000);
});
