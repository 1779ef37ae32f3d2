// The numbers every report shows.
import type { CheckResult } from './results';

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  waived: number;
}

export function summarize(checks: CheckResult[]): Summary {
  const count = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), waived: count('waived') };
}

/** The counts as every console line says them (waived ones where a waiver applied). */
export function formatCounts(summary: Summary): string {
  return `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped${summary.waived ? `, ${summary.waived} waived` : ''}`;
}

/** Failures grouped by rule, most first. */
export function failuresByRule(checks: CheckResult[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const c of checks) if (c.status === 'failed') counts.set(c.rule, (counts.get(c.rule) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
