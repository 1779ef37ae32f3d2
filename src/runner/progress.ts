// What a person following a run sees on stderr between its first line and its summary: one line per
// part of the run (a suite file, the Pact verification) when it ends, counted from the recorded results
// exactly as the summary counts them, and while a part runs long, a line every few seconds with how far
// it got. Stopped by a signal, it falls silent; the run then prints the parts that did not end from the
// final results, so that the lines always add up to the summary's totals.
import type { CheckResult } from '../report/results';
import { formatCounts, summarize } from '../report/summary';
import { PACT_UNIT, type PlannedCheck } from './plan';

/** How often a part that runs long says how far it got. */
const PROGRESS_EVERY_MS = 5_000;

/** The part of the run a check belongs to: its suite file, or the Pact verification. */
function unitOf(check: Pick<CheckResult, 'id' | 'suite' | 'operation'>): string {
  return check.id.startsWith('pact:') ? PACT_UNIT : (check.suite ?? check.operation);
}

interface Unit {
  planned: number;
  done: number;
  /** The count the last progress line showed. */
  shown: number;
  startedAt?: number;
  ended: boolean;
  /** The checks its lines counted. */
  counted: Set<string>;
}

export class Progress {
  private readonly units = new Map<string, Unit>();
  private silent = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    planned: PlannedCheck[],
    private readonly log: (line: string) => void,
  ) {
    for (const check of planned) this.unit(check.unit).planned += 1;
    this.timer = setInterval(() => this.tick(), PROGRESS_EVERY_MS).unref();
  }

  started(unit: string): void {
    this.unit(unit).startedAt ??= Date.now();
  }

  /** One more check of the part done (a case Jest finished, an interaction the verifier replayed). */
  advance(unit: string): void {
    this.started(unit);
    this.unit(unit).done += 1;
  }

  /** Whether every planned check of the part is done. */
  complete(unit: string): boolean {
    const part = this.unit(unit);
    return part.planned > 0 && part.done >= part.planned;
  }

  /** The part ended; `checks` are its results as recorded. */
  ended(unit: string, checks: CheckResult[]): void {
    const part = this.unit(unit);
    if (this.silent || part.ended || (part.planned === 0 && checks.length === 0)) return;
    part.ended = true;
    for (const check of checks) part.counted.add(check.id);
    this.log(`  ${label(unit)}: ${counts(checks)}${part.startedAt ? ` (${((Date.now() - part.startedAt) / 1000).toFixed(1)} s)` : ''}`);
  }

  /** A signal stopped the run: nothing more is printed until `settle`. */
  stop(): void {
    this.silent = true;
  }

  /**
   * At the end: a line for what the final results hold beyond what the lines so far counted (the parts
   * a signal stopped midway; checks recorded after their part ended, as those that never ran).
   */
  settle(checks: CheckResult[], why: string | undefined): void {
    clearInterval(this.timer);
    const uncounted = new Map<string, CheckResult[]>();
    for (const check of checks) {
      const unit = unitOf(check);
      if (!this.unit(unit).counted.has(check.id)) uncounted.set(unit, [...(uncounted.get(unit) ?? []), check]);
    }
    for (const [unit, results] of uncounted) {
      const part = this.unit(unit);
      this.log(`  ${label(unit)}: ${part.ended ? 'and ' : ''}${counts(results)}${why ? ` (${why})` : ''}`);
      part.ended = true;
      for (const check of results) part.counted.add(check.id);
    }
  }

  private tick(): void {
    if (this.silent) return;
    for (const [unit, part] of this.units) {
      if (part.ended || part.done === part.shown || part.startedAt === undefined) continue;
      part.shown = part.done;
      this.log(`  ${label(unit)}: ${part.done} of ${part.planned} ${unit === PACT_UNIT ? 'interactions replayed' : 'checks done'}...`);
    }
  }

  private unit(name: string): Unit {
    let part = this.units.get(name);
    if (!part) this.units.set(name, (part = { planned: 0, done: 0, shown: 0, ended: false, counted: new Set() }));
    return part;
  }
}

function label(unit: string): string {
  return unit.replace(/^suites\/(?=.)/, '').replace(/\.test\.ts$/, '');
}

function counts(checks: CheckResult[]): string {
  return formatCounts(summarize(checks));
}
