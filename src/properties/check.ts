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

/** A seed for a run that was given none. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}

/**
 * Checks `holds` (which throws PropertyViolation when the rule is broken) for the examples and the random
 * inputs; an error of another kind (a request without an answer) fails the check too, and is shrunk alike.
 */
export async function checkProperty<T>(
  checkId: string,
  arbitrary: fc.Arbitrary<T>,
  holds: (input: T) => Promise<void>,
  budget: PropertyBudget & { examples?: T[] },
): Promise<PropertyOutcome<T>> {
  const details = await fc.check(fc.asyncProperty(arbitrary, holds), {
    seed: checkSeed(budget.seed, checkId),
    numRuns: budget.numRuns + (budget.examples ?? []).length,
    examples: (budget.examples ?? []).map((e) => [e] as [T]),
  });
  if (!details.failed || details.counterexample === null) return { failed: false, runs: details.numRuns };
  const error = details.errorInstance;
  return {
    failed: true,
    counterexample: details.counterexample[0],
    problem: error instanceof Error ? error.message : String(error),
    runs: details.numRuns,
    shrinks: details.numShrinks,
  };
}
