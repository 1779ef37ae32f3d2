// Runs the generated suites with Jest, in this process (one shared event loop keeps the run within
// --concurrency requests in flight; cases inside a file run concurrently). Jest runs the suites as the
// build compiled them (dist/suites/*.test.js): nothing is transformed at run time, and the config finds
// them wherever the package is installed (a dependency, a global install, npx).
import path from 'node:path';
import type { TestResult } from '@jest/reporters';
import { runCLI } from 'jest';
import type { RunConfig } from '../config/run-config';
import type { CheckResult } from '../report/results';
import { suiteName } from '../suite/files';
import { PACKAGE_ROOT, SUITE_RUNTIME } from '../tool';

const COMPILED_SUITES = path.join(PACKAGE_ROOT, 'dist', 'suites');
const COMPILED_RUNTIME = path.join(PACKAGE_ROOT, 'dist', 'suite', 'define.js');

/** What the run hears of the suites while Jest runs them (from the reporter, ./progress-reporter.ts). */
export interface SuiteEvents {
  fileStarted(suite: string): void;
  caseDone(suite: string): void;
  /** A suite file ended; `unrecorded` are its checks that recorded no result of their own. */
  fileDone(suite: string, unrecorded: CheckResult[]): void;
}

let listening: { events: SuiteEvents; caseTimeoutMs: number } | undefined;

/** What Jest tells of a suite file: it started, one of its cases ended, it ended (with Jest's results). */
export type SuiteEvent = { started: true } | { caseDone: true } | { result: TestResult };

/** Jest loads the reporter by path, in this process: this is how it reaches the run that started Jest. */
export function reportToRun(testPath: string, event: SuiteEvent): void {
  if (!listening) return;
  const suite = suiteName(testPath);
  if ('result' in event) listening.events.fileDone(suite, unrecordedChecks(suite, event.result, listening.caseTimeoutMs));
  else if ('started' in event) listening.events.fileStarted(suite);
  else listening.events.caseDone(suite);
}

/** Runs the given suite files (as reports name them: suites/NN_tag.test.ts). */
export async function runSuites(config: RunConfig, suites: string[], events: SuiteEvents): Promise<void> {
  // A case sends a handful of requests in sequence, each bounded by --timeout.
  const caseTimeoutMs = config.timeoutMs * 8 + 10_000;
  const jestConfig = {
    rootDir: PACKAGE_ROOT,
    roots: [COMPILED_SUITES],
    testMatch: ['**/*.test.js'],
    // Jest leaves out everything below a node_modules folder by default (test paths and its file crawl):
    // installed, the package is below one.
    testPathIgnorePatterns: [],
    haste: { retainAllFiles: true },
    moduleNameMapper: { [`^${escapeRegExp(SUITE_RUNTIME)}$`]: COMPILED_RUNTIME },
    transform: {},
    testEnvironment: 'node',
    maxConcurrency: config.concurrency,
    testTimeout: caseTimeoutMs,
    reporters: [require.resolve('./progress-reporter')],
  };
  listening = { events, caseTimeoutMs };
  try {
    await runCLI(
      {
        _: [],
        $0: 'gitlab-ci-conformance',
        config: JSON.stringify(jestConfig),
        // Only the files the plan has checks in: the others would be loaded for nothing.
        testPathPatterns: suites.map((suite) => `[\\\\/]${escapeRegExp(path.basename(suite).replace(/\.ts$/, '.js'))}$`),
        runInBand: true,
        silent: true,
        watchman: false,
        ci: true,
      } as never,
      [PACKAGE_ROOT],
    );
  } finally {
    listening = undefined;
  }
}

/** How the reason of a case Jest gave up on begins (it may still be running, with a request in flight). */
export const GAVE_UP = 'the check did not finish within';

/**
 * The tests Jest failed that recorded no result of their own (a Jest timeout, a suite that failed to
 * load): they count as failures, never as silently missing.
 */
function unrecordedChecks(suite: string, file: TestResult, caseTimeoutMs: number): CheckResult[] {
  const name = path.basename(suite);
  const unrecorded: CheckResult[] = [];
  if (file.testExecError) {
    unrecorded.push({ id: `suite:${name}`, rule: 'SUITE-LOAD', operation: name, suite, title: `suite file ${name} runs`, status: 'failed', reason: file.testExecError.message });
  }
  for (const assertion of file.testResults) {
    const timedOut = assertion.status === 'failed' && assertion.failureMessages.some((m) => /Exceeded timeout/.test(m));
    if (!timedOut) continue;
    unrecorded.push({
      id: `${name}:${assertion.title}`,
      rule: /^\[([A-Z0-9-]+)\]/.exec(assertion.title)?.[1] ?? 'UNKNOWN',
      operation: name,
      suite,
      title: assertion.title.replace(/^\[[^\]]+\]\s*/, ''),
      status: 'failed',
      reason: `${GAVE_UP} ${caseTimeoutMs} ms`,
    });
  }
  return unrecorded;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
