// Runs one generated check as a fast-check property: fixed examples first, then `numRuns` random inputs
// from a seed of its own (the run's seed and the check's id: the same seed replays the same inputs whatever
// else the run selects), and on a failure, fast-check's shrinking to the smallest input that still fails.
import fc from 'fast-check';

/** Thrown by a property's body when the server's answer breaks the rule (a sentence, with the evidence). */
export class PropertyViolation extends Error {
  override readonly name = 'PropertyViolation';
}

export type PropertyOutcome<T> =
  | { failed: false; runs: number }
  | { failed: true; counterexample: T; problem: string; runs: number; shrinks: number };

export interface PropertyBudget {
  /** The run's seed. */
  seed: number;
  /** Random inputs after the fixed examples (fast-check counts the examples as runs: they are added). */
  numRuns: number;
}

/** The seed of one check: the run's seed mixed with the check's id (FNV-1a), a 31-bit integer. */
export function checkSeed(runSeed: number, checkId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(checkId, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return (hash ^ runSeed) & 0x7fffffff;
}

/** The first of the examples (in their order) that fails, all sent at once: over a slow network one round trip beats one per example. */
async function firstFailing<T>(examples: T[], holds: (input: T) => Promise<void>): Promise<T | undefined> {
  const settled = await Promise.allSettled(examples.map((example) => holds(example)));
  const at = settled.findIndex((s) => s.status === 'rejected' && !fc.PreconditionFailure.isFailure(s.reason));
  return at < 0 ? undefined : examples[at];
}

/** A copy of an input: plain data is cloned; a sequence of commands (functions) is copied as the list it ran. */
function snapshot<T>(input: T): T {
  try {
    return structuredClone(input);
  } catch {
    return (typeof input === 'object' && input !== null && Symbol.iterator in input ? [...(input as Iterable<unknown>)] : input) as T;
  }
}

/**
 * Checks `holds` (which throws PropertyViolation when the rule is broken) for the examples and the random
 * inputs; an error of another kind (a request without an answer) fails the check too, and is shrunk alike.
 */
export async function checkProperty<T>(
  checkId: string,
  arbitrary: fc.Arbitrary<T>,
  holds: (input: T) => Promise<void>,
  budget: PropertyBudget & { examples?: T[]; examplesAtOnce?: boolean },
): Promise<PropertyOutcome<T>> {
  if (budget.examplesAtOnce && budget.examples?.length) {
    const failing = await firstFailing(budget.examples, holds);
    // A failing example is shrunk alone; else the random inputs follow.
    const rest = { ...budget, examplesAtOnce: false, examples: failing === undefined ? [] : [failing], numRuns: failing === undefined ? budget.numRuns : 0 };
    const outcome = await checkProperty(checkId, arbitrary, holds, rest);
    return { ...outcome, runs: outcome.runs + budget.examples.length - (failing === undefined ? 0 : 1) };
  }
  // The last input that failed is the smallest. It is copied when it fails: fast-check goes on shrinking
  // values it shares with it, and may change them afterwards.
  let smallest: { input: T; problem: string } | undefined;
  const property = fc.asyncProperty(arbitrary, async (input) => {
    try {
      await holds(input);
    } catch (error) {
      if (!fc.PreconditionFailure.isFailure(error)) smallest = { input: snapshot(input), problem: error instanceof Error ? error.message : String(error) };
      throw error;
    }
  });
  const details = await fc.check(property, {
    seed: checkSeed(budget.seed, checkId),
    numRuns: budget.numRuns + (budget.examples ?? []).length,
    examples: (budget.examples ?? []).map((e) => [e] as [T]),
  });
  if (!details.failed || !smallest) return { failed: false, runs: details.numRuns };
  return { failed: true, counterexample: smallest.input, problem: smallest.problem, runs: details.numRuns, shrinks: details.numShrinks };
}

/** A value as a report shows it: JSON, every character outside printable ASCII written as an escape (U+E000 is invisible). */
export function visible(value: unknown, max = 400): string {
  const text = JSON.stringify(value) ?? String(value);
  const shown = text.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${(c.codePointAt(0) as number).toString(16).toUpperCase()}}`);
  return shown.length > max ? `${shown.slice(0, max)}...` : shown;
}
