// The GitLab id pool and the one claim policy: an id that can never come back makes the pool fail at
// once, not after its wait; a refusal another client explains is retried with other ids (a bounded
// number of times), one nothing explains only once.
import { claiming, GitlabIdPool, NoGitlabIdLeft, type ClaimRefusal } from '../../src/state/gitlab-id-pool';

/** A wait far longer than any of these tests: reaching it means the pool waited instead of failing. */
const NEVER_MS = 600_000;

describe('GitlabIdPool', () => {
  test('hands ids out, most recently given back first', async () => {
    const pool = new GitlabIdPool([1, 2, 3]);
    expect(await pool.acquire(NEVER_MS)).toBe(1);
    expect(await pool.acquire(NEVER_MS)).toBe(2);
    pool.release(2);
    expect(await pool.acquire(NEVER_MS)).toBe(2);
  });

  test('with every id given up, it says "no GitLab project id left" at once', async () => {
    const pool = new GitlabIdPool([1, 2]);
    await pool.acquire(NEVER_MS);
    await pool.acquire(NEVER_MS);
    pool.forfeit();
    pool.forfeit();
    await expect(pool.acquire(NEVER_MS)).rejects.toThrow(NoGitlabIdLeft);
    await expect(pool.acquire(NEVER_MS)).rejects.toThrow(/^no GitLab project id left: all 2 were given up/);
  });

  test('one waiting for an id fails as soon as the last one out is given up, and gets one given back', async () => {
    const pool = new GitlabIdPool([1, 2]);
    await pool.acquire(NEVER_MS);
    await pool.acquire(NEVER_MS);
    const granted = pool.acquire(NEVER_MS);
    pool.release(1);
    expect(await granted).toBe(1);
    const waiting = pool.acquire(NEVER_MS);
    pool.forfeit();
    pool.forfeit();
    await expect(waiting).rejects.toThrow(NoGitlabIdLeft);
  });
});

describe('claiming', () => {
  const attempts = (outcomes: Array<ClaimRefusal | undefined>) => {
    let n = 0;
    return { attempt: async () => outcomes[Math.min(n++, outcomes.length - 1)], count: () => n };
  };

  test('retries while another client took the id, at most 10 times in all', async () => {
    const taken = attempts(['taken']);
    await claiming(taken.attempt, (o) => o);
    expect(taken.count()).toBe(10);
    const thenFine = attempts(['taken', 'taken', undefined]);
    expect(await claiming(thenFine.attempt, (o) => o)).toBeUndefined();
    expect(thenFine.count()).toBe(3);
  });

  test('a refusal nothing explains is tried again once: a server refusing every creation costs one more try', async () => {
    const unexplained = attempts(['unexplained']);
    expect(await claiming(unexplained.attempt, (o) => o)).toBe('unexplained');
    expect(unexplained.count()).toBe(2);
  });
});
