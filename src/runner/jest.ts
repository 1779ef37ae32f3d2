// Runs the generated suites in suites/ with Jest, in this process (one shared event loop keeps the run
// within --concurrency requests in flight; cases inside a file run concurrently).
import path from 'node:path';
import { runCLI } from 'jest';
import type { RunConfig } from '../config/run-config';
import type { CheckResult } from '../report/results';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Answers the tests Jest failed that recorded no result of their own (a Jest timeout, a suite that
 * failed to load): they count as failures, never as silently missing.
 */
export async function runSuites(config: RunConfig): Promise<CheckResult[]> {
  const jestConfig = {
    rootDir: ROOT,
    roots: ['<rootDir>/suites'],
    testMatch: ['**/*.test.ts'],
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': 'ts-jest' },
    maxConcurrency: config.concurrency,
    // A case sends a handful of requests in sequence, each bounded by --timeout.
    testTimeout: config.timeoutMs * 8 + 10_000,
    reporters: [require.resolve('./progress-reporter')],
  };
  const { results } = await runCLI(
    { _: [], $0: 'gitlab-ci-conformance', config: JSON.stringify(jestConfig), runInBand: true, silent: true, watchman: false, ci: true } as never,
    [ROOT],
  );
  const unrecorded: CheckResult[] = [];
  for (const file of results.testResults) {
    if (file.testExecError) {
      unrecorded.push({
        id: `suite:${path.basename(file.testFilePath)}`,
        rule: 'SUITE-LOAD',
        operation: path.basename(file.testFilePath),
        title: `suite file ${path.basename(file.testFilePath)} runs`,
        status: 'failed',
        reason: file.testExecError.message,
      });
    }
    for (const assertion of file.testResults) {
      const timedOut = assertion.status === 'failed' && assertion.failureMessages.some((m) => /Exceeded timeout/.test(m));
      if (!timedOut) continue;
      const rule = /^\[([A-Z0-9-]+)\]/.exec(assertion.title)?.[1] ?? 'UNKNOWN';
      unrecorded.push({
        id: `${path.basename(file.testFilePath)}:${assertion.title}`,
        rule,
        operation: path.basename(file.testFilePath),
        title: assertion.title.replace(/^\[[^\]]+\]\s*/, ''),
        status: 'failed',
        reason: `the check did not finish within ${config.timeoutMs * 8 + 10_000} ms`,
      });
    }
  }
  return unrecorded;
}
