// The Jest reporter of `run`: it prints nothing itself, it tells the run each case and each suite file
// that ended (./jest.ts), and the run's progress (./progress.ts) prints. Jest's own output would repeat
// the reports (and could carry a server's echo of a secret).
import type { Reporter, Test, TestCaseResult, TestResult } from '@jest/reporters';
import { reportToRun } from './jest';

export default class ProgressReporter implements Pick<Reporter, 'onTestStart' | 'onTestCaseResult' | 'onTestResult'> {
  onTestStart(test: Test): void {
    reportToRun(test.path, { started: true });
  }

  onTestCaseResult(test: Test, _result: TestCaseResult): void {
    reportToRun(test.path, { caseDone: true });
  }

  onTestResult(test: Test, result: TestResult): void {
    reportToRun(test.path, { result });
  }
}
