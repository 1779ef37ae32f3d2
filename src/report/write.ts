// Where results are reported: junit.xml (for CI), report.json (PRODUCT.md's shape) and a self-contained
// report.html, all written at the end of a run (also a partial run after a signal).
import fs from 'node:fs';
import path from 'node:path';
import junit from 'junit-report-builder';
import { renderHtml } from './html';
import type { Redactor } from './redact';
import type { CheckResult } from './results';
import { summarize, type Summary } from './summary';

export interface RunReport {
  target: string;
  profile: string;
  startedAt: string;
  durationMs: number;
  summary: Summary;
  /** Resources the run created and could not remove: for a person to remove by hand. */
  leftBehind: string[];
  interrupted?: string;
  checks: CheckResult[];
}

export function buildReport(fields: Omit<RunReport, 'summary'>): RunReport {
  return { ...fields, summary: summarize(fields.checks) };
}

export function writeReports(dir: string, report: RunReport, redactor: Redactor): string[] {
  const safe = redactor.value(report);
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    'report.json': `${JSON.stringify(safe, null, 2)}\n`,
    'junit.xml': renderJunit(safe),
    'report.html': renderHtml(safe),
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), redactor.text(text));
  return Object.keys(files).map((name) => path.join(dir, name));
}

function renderJunit(report: RunReport): string {
  const builder = junit.newBuilder();
  const suites = new Map<string, ReturnType<typeof builder.testSuite>>();
  for (const check of report.checks) {
    let suite = suites.get(check.operation);
    if (!suite) {
      suite = builder.testSuite().name(check.operation);
      suites.set(check.operation, suite);
    }
    const testCase = suite.testCase().className(check.rule).name(`[${check.rule}] ${check.title}`);
    if (check.durationMs !== undefined) testCase.time(check.durationMs / 1000);
    if (check.status === 'failed') {
      testCase.failure(check.reason ?? 'failed');
      if (check.evidence) testCase.standardOutput(JSON.stringify(check.evidence, null, 2));
    } else if (check.status === 'skipped') {
      testCase.skipped();
      testCase.standardOutput(`skipped: ${check.reason ?? ''}`);
    }
  }
  return builder.build();
}
