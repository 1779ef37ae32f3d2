// GitLab projects the run may attach its CI projects to. A CI project needs a GitLab project that the
// user manages and that has no CI project yet (one per gitlab_id). The pool hands ids out one at a time
// and takes them back once the CI project is deleted, so a run needs only as many as it has alive at once.
/** None of the pool's ids can ever be handed out again. */
export class NoGitlabIdLeft extends Error {
  override readonly name = 'NoGitlabIdLeft';
}

export class GitlabIdPool {
  private readonly free: number[];
  /** Each is granted an id, or undefined when none can come any more. */
  private readonly waiting: Array<(id: number | undefined) => void> = [];
  /** Ids handed out and neither given back nor given up: only these can free one. */
  private out = 0;
  /** How many the pool started with. */
  readonly total: number;
  /** Why no id is handed out any more, once closed. */
  private closed?: Error;

  constructor(ids: number[]) {
    this.free = [...ids];
    this.total = ids.length;
  }

  get size(): number {
    return this.free.length;
  }

  /**
   * Waits for a free id; `timeoutMs` guards against a run that leaks ids. When none is free and none is
   * out, none can ever come: it fails at once.
   */
  acquire(timeoutMs: number): Promise<number> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.free.shift();
    if (id !== undefined) {
      this.out += 1;
      return Promise.resolve(id);
    }
    if (this.out === 0) return Promise.reject(this.noneLeft());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(new Error(`no free GitLab project for a new CI project within ${timeoutMs} ms (all ids in use)`));
      }, timeoutMs);
      const grant = (granted: number | undefined) => {
        clearTimeout(timer);
        if (granted === undefined) reject(this.closed ?? this.noneLeft());
        else resolve(granted);
      };
      this.waiting.push(grant);
    });
  }

  private noneLeft(): Error {
    return new NoGitlabIdLeft(`no GitLab project id left: all ${this.total} were given up (a CI project the run did not make, or could not remove, is on them)`);
  }

  /** No id will be of use any more (the server cannot make CI projects): every acquire fails with `reason`, those waiting too. */
  close(reason: Error): void {
    this.closed = reason;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }

  /** An id handed out that is never coming back (another client took it, or a CI project on it could not be removed). */
  forfeit(): void {
    this.out -= 1;
    // Those still waiting can only be granted by the ids still out.
    if (this.out === 0) for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }

  release(id: number): void {
    this.out -= 1;
    const next = this.waiting.shift();
    // Most recently used first: a run keeps to a small working set of GitLab projects, so that two runs
    // against the same target rarely reach for the same one.
    if (next) {
      this.out += 1;
      next(id);
    } else this.free.unshift(id);
  }
}

/**
 * The one retry policy for a GitLab project that another client (a second run against the same target)
 * took between the moment this run found it free and its creation. A refusal the user's listing
 * explains (another client's CI project is on the id) is `taken`: the id is given up for good and
 * another one tried, at most CLAIM_ATTEMPTS times in all. A refusal nothing explains is `unexplained`:
 * the other client's project may be gone already when the listing is read, or the server refuses for its
 * own reasons; it is tried again once, and only a success after it says which (src/state/fixtures.ts),
 * so a server that refuses every creation costs one more try, never the pool.
 */
const CLAIM_ATTEMPTS = 10;
const UNEXPLAINED_RETRIES = 1;

/** What an attempt's refused creation met: another client's project on the id, or nothing that explains it. */
export type ClaimRefusal = 'taken' | 'unexplained';

/**
 * Whether a refused creation may mean another client took the GitLab project: 409 is the documented
 * answer (CONFLICT-409), 400 what GitLab CI 8.0 answered (its profile in spec/rules.yaml).
 */
export function mayBeTaken(status: number): boolean {
  return status === 409 || status === 400;
}

/** Runs `attempt` again while `refusal` says its outcome met a GitLab project someone else may have taken. */
export async function claiming<T>(attempt: () => Promise<T>, refusal: (outcome: T) => ClaimRefusal | undefined): Promise<T> {
  let unexplained = 0;
  for (let n = 1; ; n += 1) {
    const outcome = await attempt();
    const met = refusal(outcome);
    if (met === 'unexplained') unexplained += 1;
    if (n >= CLAIM_ATTEMPTS || !met || unexplained > UNEXPLAINED_RETRIES) return outcome;
  }
}
