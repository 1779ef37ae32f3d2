// Time bounds in the project's tests come from a baseline measured in the same test. One measurement can
// be spoiled by another process's burst of CPU (two Jest workers share two cores), so each way is measured
// a few times, alternately, and the best of each is compared: a burst cannot spoil every round of one way.

/** Runs each way `rounds` times, alternately, and keeps for each the result of its fastest run. */
export async function bestOfAlternately<K extends string, R extends { durationMs: number }>(ways: Record<K, () => Promise<R>>, rounds = 3): Promise<Record<K, R>> {
  const best = {} as Record<K, R>;
  for (let round = 0; round < rounds; round += 1) {
    for (const way of Object.keys(ways) as K[]) {
      const result = await ways[way]();
      if (!(way in best) || result.durationMs < best[way].durationMs) best[way] = result;
    }
  }
  return best;
}

/** How long a promise took to settle, in ms. */
export async function timed(send: () => Promise<unknown>): Promise<{ durationMs: number }> {
  const started = performance.now();
  await send();
  return { durationMs: performance.now() - started };
}
