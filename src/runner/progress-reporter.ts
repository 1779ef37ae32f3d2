// The Jest reporter of `run`: it prints nothing itself, it tells the run each case that started or
// ended, by its test name (which names its suite file), and the end of them all (./jest.ts); the run's progress
// (./progress.ts) prints. Jest's own output would repeat the reports (and could carry a server's echo
// of a secret).
import type { Reporter, Test, TestCaseResult, TestResult } from '@jest/reporters';
import type { Circus } from '@jest/types';
import { reportToRun } from './jest';

export default class ProgressReporter implements Pick<Reporter, 'onTestCaseStart' | 'onTestCaseResult' | 'onTestResult'> {
  onTestCaseStart(_test: Test, started: Circus.TestCaseStartInfo): void {
    reportToRun({ caseStarted: started.title });
  }

  onTestCaseResult(_test: Test, result: TestCaseResult): void {
    reportToRun({ caseDone: result.title });
  }

  onTestResult(_test: Test, result: TestResult): void {
    reportToRun({ result });
  }
}
