// Time bounds in the project's tests come from a baseline measured in the same test. One measurement can
// be spoiled by another process's burst of CPU (two Jest workers share two cores), so each way is measured
// again while the bound is not met, up to three rounds. Ways that are short and must not overlap (a burst
// against one-after-another) alternate and the best of each is compared; whole runs, long enough that a
// neighbour's busy spell outlasts an alternation, run side by side, so that the spell slows them alike.
// A real slowness fails every round; a neighbour's CPU does not.

/**
 * Runs each way once per round, alternately, until the fastest run of each meets `bound` or `rounds` are
 * done; answers the result of each way's fastest run (the test then asserts the bound on them).
 */
export async function bestOfAlternately<K extends string, R extends { durationMs: number }>(
  ways: Record<K, () => Promise<R>>,
  bound: (best: Record<K, R>) => boolean,
  rounds = 3,
): Promise<Record<K, R>> {
  const best = {} as Record<K, R>;
  for (let round = 0; round < rounds && !(round > 0 && bound(best)); round += 1) {
    for (const way of Object.keys(ways) as K[]) {
      const result = await ways[way]();
      if (!(way in best) || result.durationMs < best[way].durationMs) best[way] = result;
    }
  }
  return best;
}

/**
 * Runs every way at once, so that whatever else the machine does slows them alike; again, up to `rounds`,
 * while a round's results do not meet `bound`. Answers the round that met it, or the last one.
 */
export async function sideBySide<K extends string, R>(ways: Record<K, () => Promise<R>>, bound: (round: Record<K, R>) => boolean, rounds = 3): Promise<Record<K, R>> {
  const names = Object.keys(ways) as K[];
  for (let round = 1; ; round += 1) {
    const results = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await ways[name]()]))) as Record<K, R>;
    if (round >= rounds || bound(results)) return results;
  }
}

/** How long a promise took to settle, in ms. */
export async function timed(send: () => Promise<unknown>): Promise<{ durationMs: number }> {
  const started = performance.now();
  await send();
  return { durationMs: performance.now() - started };
}
