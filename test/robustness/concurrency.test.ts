// Gentle on shared servers: never more than --concurrency requests in flight at the target (default
// DEFAULTS.concurrency), state set-up and clean-up included, measured by the target itself.
import { DEFAULTS } from '../../src/config/run-config';
import { readReport } from '../report/support';
import { runCli } from '../run/helpers';
import { EXITED_0, exitOf, startFaultyTarget, startReferenceStack, targetArgs, tempDir, type RunningReferenceStack } from './support';

let stack: RunningReferenceStack;
beforeAll(async () => {
  stack = await startReferenceStack();
});
afterAll(() => stack.close());

// A little latency makes requests overlap as they would against a remote server.
const LATENCY = { kind: 'delay', ms: 15 } as const;

// Each case runs its own CLI against its own proxy: side by side.
test.concurrent.each([
  // A suite file and a pact (their shares of the bound), which a low bound makes long.
  ['--concurrency 3', ['--concurrency', '3', '--only', 'projects,gitlab'], 3],
  [`the default (${DEFAULTS.concurrency})`, [], DEFAULTS.concurrency],
])('run with %s: at most that many requests in flight', async (_name, options, limit) => {
  const proxy = await startFaultyTarget({ upstream: stack.url, fault: () => LATENCY });
  try {
    const reportDir = tempDir('concurrency');
    const result = await runCli(['run', ...targetArgs(proxy.url, stack, reportDir), ...options]);
    const report = readReport(reportDir);
    // One assertion, so that a failure shows the failed checks and the run's last lines together.
    const failed = report.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.reason}`);
    expect({ ...exitOf(result), failed }).toEqual({ ...EXITED_0, failed: [] });
    expect(proxy.requests.length).toBeGreaterThan(400);
    expect(proxy.maxInFlight).toBeLessThanOrEqual(limit);
    expect(proxy.maxInFlight).toBeGreaterThan(1); // it does use what it may
  } finally {
    await proxy.close();
  }
}, 180_000);

// Pact verification replays requests and sets up provider states through the API; the bound holds there
// too: each lane (src/pact/verify.ts) takes its share, its verifier's replayed request and its state client.
test.concurrent.each([1, 8])('verify-pacts with --concurrency %i: at most that many requests in flight', async (limit) => {
  const proxy = await startFaultyTarget({ upstream: stack.url, fault: () => LATENCY });
  try {
    const args = targetArgs(proxy.url, stack, tempDir('concurrency-pact'));
    const result = await runCli(['verify-pacts', ...args.slice(0, args.indexOf('--report-dir')), '--concurrency', String(limit)]);
    expect(exitOf(result)).toEqual(EXITED_0);
    expect(proxy.requests.length).toBeGreaterThan(50);
    expect(proxy.maxInFlight).toBeLessThanOrEqual(limit);
    if (limit > 1) expect(proxy.maxInFlight).toBeGreaterThan(1);
  } finally {
    await proxy.close();
  }
}, 120_000);
