// A quiet Jest reporter for `run`: one line per suite file on stderr. The full results go to the
// reports; Jest's own output would repeat them (and could carry a server's echo of a secret).
import type { Reporter, Test, TestResult } from '@jest/reporters';

export default class ProgressReporter implements Pick<Reporter, 'onTestResult'> {
  onTestResult(test: Test, result: TestResult): void {
    const name = test.path.split('/').pop()?.replace(/\.test\.ts$/, '') ?? test.path;
    const { numPassingTests: passed, numFailingTests: failed, numPendingTests: skipped } = result;
    process.stderr.write(`  ${name}: ${passed} passed, ${failed} failed, ${skipped} not run (${((result.perfStats.end - result.perfStats.start) / 1000).toFixed(1)} s)\n`);
  }
}
