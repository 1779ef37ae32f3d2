// The result of every check, as report.json states it (PRODUCT.md). Suite files append results to the
// run's results file as they finish; the run reads them all back to write the reports.
import fs from 'node:fs';
import type { Evidence } from './evidence';

/** waived: a failure an accepted deviation (--waivers) covers; never passed. */
export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'waived';

/** The doc sentence a rule derives from, and the decision taken where the docs left a choice (spec/rules.yaml). */
export interface CheckSource {
  page: string;
  section: string;
  quote: string;
  decision?: string;
}

export interface CheckResult {
  id: string;
  rule: string;
  operation: string;
  /** The file the check comes from: a generated suite (suites/...) or a pact (contracts/pacts/...). */
  suite?: string;
  title: string;
  status: CheckStatus;
  reason?: string;
  durationMs?: number;
  source?: CheckSource;
  evidence?: Evidence;
}

export function appendResult(file: string, result: CheckResult): void {
  fs.appendFileSync(file, `${JSON.stringify(result)}\n`, { mode: 0o600 });
}

export function readResults(file: string): CheckResult[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CheckResult);
}
