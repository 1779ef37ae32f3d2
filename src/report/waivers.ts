// What waivers (--waivers, src/config/waivers.ts) do to a run's results: a failed check a waiver matches
// is reported `waived`, with the waiver's reason and its own failure (never passed); and every waiver is
// reported with what became of it: applied, stale (its checks ran and none failed: the deviation is gone),
// expired (past its date: ignored, its checks fail again) or unused (none of its checks ran).
import type { Waiver } from '../config/waivers';
import type { CheckResult } from './results';

export type WaiverState = 'applied' | 'stale' | 'expired' | 'unused';

export interface WaiverOutcome extends Omit<Waiver, 'source'> {
  /** Where the waiver is written ("waivers.yaml, entry 2"). */
  source: string;
  state: WaiverState;
  /** The checks it waived (applied), or the failed checks it would have waived (expired). */
  checks: string[];
}

const WHAT_BECAME: Record<WaiverState, string> = {
  applied: 'applied',
  stale: 'stale: its checks ran and none failed, the deviation is gone',
  expired: 'expired: ignored, its checks fail again',
  unused: 'unused: none of its checks ran',
};

/** A waiver's line in the console and the reports. */
export function waiverLine(outcome: WaiverOutcome): string {
  const where = outcome.operation ? ` on ${outcome.operation}` : '';
  const until = outcome.expires ? `, until ${outcome.expires}` : '';
  const count = outcome.checks.length ? ` (${outcome.checks.length} check${outcome.checks.length > 1 ? 's' : ''})` : '';
  return `${outcome.rule}${where}: ${WHAT_BECAME[outcome.state]}${count}; "${outcome.reason}"${until} [${outcome.source}]`;
}

/**
 * One outcome per waiver over the shards of a run (merge-reports; every shard read the same file): expired
 * in any shard, else applied in any, else stale in any, else unused; with the checks of all.
 */
export function mergeWaiverOutcomes(perShard: Array<WaiverOutcome[] | undefined>): WaiverOutcome[] | undefined {
  const lists = perShard.filter((outcomes): outcomes is WaiverOutcome[] => outcomes !== undefined);
  if (!lists.length) return undefined;
  const precedence: WaiverState[] = ['expired', 'applied', 'stale', 'unused'];
  return lists[0].map((first, k) => {
    const all = lists.map((outcomes) => outcomes[k]);
    const state = precedence.find((s) => all.some((o) => o.state === s)) ?? first.state;
    return { ...first, state, checks: all.flatMap((o) => o.checks) };
  });
}

/** The console's lines about the waivers of a run (none without a waivers file). */
export function waiversSummary(outcomes: WaiverOutcome[] | undefined): string[] {
  if (!outcomes) return [];
  return ['Waivers:', ...outcomes.map((w) => `  ${waiverLine(w)}`)];
}

/** The checks with the waivers applied, and what became of each waiver; `today` is the run's date (YYYY-MM-DD, UTC). */
export function applyWaivers(checks: CheckResult[], waivers: Waiver[], today: string): { checks: CheckResult[]; waivers: WaiverOutcome[] } {
  const matches = (waiver: Waiver, check: CheckResult) => check.rule === waiver.rule && (!waiver.operation || check.operation === waiver.operation);
  const live = waivers.filter((w) => !(w.expires && today > w.expires));
  const waived = checks.map((check): CheckResult => {
    const waiver = check.status === 'failed' ? live.find((w) => matches(w, check)) : undefined;
    if (!waiver) return check;
    return { ...check, status: 'waived', reason: `waived (${waiver.source}): ${waiver.reason}. The check failed: ${check.reason ?? ''}`.trim() };
  });
  const outcomes = waivers.map((waiver): WaiverOutcome => {
    const own = checks.filter((c) => matches(waiver, c));
    const failed = own.filter((c) => c.status === 'failed').map((c) => c.id);
    const state: WaiverState = !live.includes(waiver) ? 'expired' : failed.length ? 'applied' : own.some((c) => c.status === 'passed') ? 'stale' : 'unused';
    return { ...waiver, state, checks: failed };
  });
  return { checks: waived, waivers: outcomes };
}
