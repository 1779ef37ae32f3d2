// Runs the generated suites with Jest, in this process (one shared event loop keeps the run within
// --concurrency requests in flight). Jest runs the suites as the build compiled them
// (dist/suites/*.test.js): nothing is transformed at run time, and the config finds them wherever the
// package is installed (a dependency, a global install, npx). The planned files are loaded by one test
// file the run writes: one module registry, and all their cases side by side (Jest runs the files of a
// run in band one after the other, and each file's slowest chain of requests would add up).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestResult } from '@jest/reporters';
import { runCLI } from 'jest';
import type { RunConfig } from '../config/run-config';
import type { CheckResult } from '../report/results';
import { parseCaseName } from '../suite/files';
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

let listening: { events: SuiteEvents; suites: string[]; caseTimeoutMs: number } | undefined;

/** What Jest tells of the suites: a case started or ended (by its test name), or the run of them all ended. */
export type SuiteEvent = { caseStarted: string } | { caseDone: string } | { result: TestResult };

/** Jest loads the reporter by path, in this process: this is how it reaches the run that started Jest. */
export function reportToRun(event: SuiteEvent): void {
  if (!listening) return;
  const { events, suites, caseTimeoutMs } = listening;
  if ('result' in event) {
    for (const suite of suites) events.fileDone(suite, unrecordedChecks(suite, event.result, caseTimeoutMs));
    return;
  }
  const suite = parseCaseName('caseStarted' in event ? event.caseStarted : event.caseDone)?.suite;
  if (!suite) return;
  if ('caseStarted' in event) events.fileStarted(suite);
  else events.caseDone(suite);
}

/** Runs the given suite files (as reports name them: suites/NN_tag.test.ts), all in one Jest test file. */
export async function runSuites(config: RunConfig, suites: string[], events: SuiteEvents): Promise<void> {
  // A case sends a handful of requests in sequence, each bounded by --timeout.
  const caseTimeoutMs = config.timeoutMs * 8 + 10_000;
  const entryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitlab-ci-conformance-suites-'));
  fs.writeFileSync(path.join(entryDir, ENTRY), entryOf(suites));
  const jestConfig = {
    rootDir: PACKAGE_ROOT,
    roots: [entryDir],
    testMatch: [`**/${ENTRY}`],
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
  listening = { events, suites, caseTimeoutMs };
  try {
    await runCLI({ _: [], $0: 'gitlab-ci-conformance', config: JSON.stringify(jestConfig), runInBand: true, silent: true, watchman: false, ci: true } as never, [PACKAGE_ROOT]);
  } finally {
    listening = undefined;
    fs.rmSync(entryDir, { recursive: true, force: true });
  }
}

const ENTRY = 'certification.test.js';

/** The test file Jest runs: it loads the compiled suite files (only those the plan has checks in). */
function entryOf(suites: string[]): string {
  const files = suites.map((suite) => path.join(COMPILED_SUITES, path.basename(suite).replace(/\.ts$/, '.js')));
  return [`// Written by gitlab-ci-conformance run for one run, removed after it.`, ...files.map((file) => `require(${JSON.stringify(file)});`), ''].join('\n');
}

/** How the reason of a case Jest gave up on begins (it may still be running, with a request in flight). */
export const GAVE_UP = 'the check did not finish within';

/**
 * The tests Jest failed that recorded no result of their own (a Jest timeout, a suite that failed to
 * load): they count as failures, never as silently missing.
 */
function unrecordedChecks(suite: string, run: TestResult, caseTimeoutMs: number): CheckResult[] {
  const name = path.basename(suite);
  const unrecorded: CheckResult[] = [];
  if (run.testExecError) {
    unrecorded.push({ id: `suite:${name}`, rule: 'SUITE-LOAD', operation: name, suite, title: `suite file ${name} runs`, status: 'failed', reason: run.testExecError.message });
  }
  const timedOut = (assertion: TestResult['testResults'][number]) => assertion.status === 'failed' && assertion.failureMessages.some((m) => /Exceeded timeout/.test(m));
  for (const assertion of run.testResults.filter(timedOut)) {
    const test = parseCaseName(assertion.title);
    if (test?.suite !== suite) continue;
    unrecorded.push({ id: `${name}:${test.title}`, rule: test.rule, operation: name, suite, title: test.title, status: 'failed', reason: `${GAVE_UP} ${caseTimeoutMs} ms` });
  }
  return unrecorded;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
