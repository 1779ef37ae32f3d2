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
  /**
   * 'at-once' (the default) for inputs that do not see each other; 'one-after-another' for inputs that
   * judge what the others change (a sequence's steps read lists every sequence writes).
   */
  inputs?: 'at-once' | 'one-after-another';
}

/** The seed of one check: the run's seed mixed with the check's id (FNV-1a), a 31-bit integer. */
export function checkSeed(runSeed: number, checkId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(checkId, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return (hash ^ runSeed) & 0x7fffffff;
}

/** The first of the inputs (in their order) that fails, and why, all sent at once. */
async function firstFailing<T>(inputs: T[], holds: (input: T) => Promise<void>): Promise<{ input: T; problem: string } | undefined> {
  const settled = await Promise.allSettled(inputs.map((input) => holds(input)));
  const at = settled.findIndex((s) => s.status === 'rejected' && !fc.PreconditionFailure.isFailure(s.reason));
  if (at < 0) return undefined;
  const reason = (settled[at] as PromiseRejectedResult).reason as unknown;
  return { input: inputs[at], problem: reason instanceof Error ? reason.message : String(reason) };
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
 * Every input is sent at once unless the budget says otherwise (over a slow network one round trip beats
 * one per input); only a failure goes on one input after another, for fast-check to shrink it.
 */
export async function checkProperty<T>(
  checkId: string,
  arbitrary: fc.Arbitrary<T>,
  holds: (input: T) => Promise<void>,
  budget: PropertyBudget & { examples?: T[] },
): Promise<PropertyOutcome<T>> {
  const seed = checkSeed(budget.seed, checkId);
  const examples = budget.examples ?? [];
  if (budget.inputs === 'one-after-another') {
    return (await shrinking(arbitrary, holds, { seed, numRuns: budget.numRuns, examples })) ?? { failed: false, runs: examples.length + budget.numRuns };
  }
  // The same values, in the same order, as fast-check's own run of the property from that seed.
  const random = budget.numRuns > 0 ? fc.sample(arbitrary, { seed, numRuns: budget.numRuns }) : [];
  const failing = await firstFailing([...examples, ...random], holds);
  if (failing === undefined) return { failed: false, runs: examples.length + random.length };
  const tried = examples.length + random.length - 1;
  // A random input fails again in fast-check's run from the seed, which shrinks it with what generated it;
  // an example (or a failure that depended on the moment) is shrunk from itself.
  const rerun = examples.includes(failing.input) ? undefined : await shrinking(arbitrary, holds, { seed, numRuns: budget.numRuns });
  const outcome = rerun ?? (await shrinking(arbitrary, holds, { seed, numRuns: 0, examples: [failing.input] }));
  return outcome ? { ...outcome, runs: tried + outcome.runs } : { failed: true, counterexample: failing.input, problem: failing.problem, runs: tried + 1, shrinks: 0 };
}

/** fast-check's run of the property, one input after another: the smallest failing input, or undefined when none failed. */
async function shrinking<T>(
  arbitrary: fc.Arbitrary<T>,
  holds: (input: T) => Promise<void>,
  run: { seed: number; numRuns: number; examples?: T[] },
): Promise<Extract<PropertyOutcome<T>, { failed: true }> | undefined> {
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
  const examples = run.examples ?? [];
  const details = await fc.check(property, { seed: run.seed, numRuns: run.numRuns + examples.length, examples: examples.map((e) => [e] as [T]) });
  if (!details.failed || !smallest) return undefined;
  return { failed: true, counterexample: smallest.input, problem: smallest.problem, runs: details.numRuns, shrinks: details.numShrinks };
}

/** A value as a report shows it: JSON, every character outside printable ASCII written as an escape (U+E000 is invisible). */
export function visible(value: unknown, max = 400): string {
  const text = JSON.stringify(value) ?? String(value);
  const shown = text.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${(c.codePointAt(0) as number).toString(16).toUpperCase()}}`);
  return shown.length > max ? `${shown.slice(0, max)}...` : shown;
}
