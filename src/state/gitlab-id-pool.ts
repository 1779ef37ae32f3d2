// GitLab projects the run may attach its CI projects to. A CI project needs a GitLab project that the
// user manages and that has no CI project yet (one per gitlab_id). The pool hands ids out one at a time
// and takes them back once the CI project is deleted, so a run needs only as many as it has alive at once.
export class GitlabIdPool {
  private readonly free: number[];
  private readonly waiting: Array<(id: number) => void> = [];

  constructor(ids: number[]) {
    this.free = [...ids];
  }

  get size(): number {
    return this.free.length;
  }

  /** Waits for a free id; `timeoutMs` guards against a run that leaks ids. */
  acquire(timeoutMs: number): Promise<number> {
    const id = this.free.shift();
    if (id !== undefined) return Promise.resolve(id);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(new Error(`no free GitLab project for a new CI project within ${timeoutMs} ms (all ids in use)`));
      }, timeoutMs);
      const grant = (granted: number) => {
        clearTimeout(timer);
        resolve(granted);
      };
      this.waiting.push(grant);
    });
  }

  release(id: number): void {
    const next = this.waiting.shift();
    // Most recently used first: a run keeps to a small working set of GitLab projects, so that two runs
    // against the same target rarely reach for the same one.
    if (next) next(id);
    else this.free.unshift(id);
  }
}

/**
 * The one retry policy for a GitLab project that another client (a second run against the same target)
 * took between the moment this run found it free and its creation: the id is given up for good, and
 * another one is tried, at most this many times in all.
 */
const CLAIM_ATTEMPTS = 10;

/**
 * Whether a refused creation may mean another client took the GitLab project: 409 is the documented
 * answer (CONFLICT-409), 400 what GitLab CI 8.0 answered (its profile in spec/rules.yaml).
 */
export function mayBeTaken(status: number): boolean {
  return status === 409 || status === 400;
}

/** Runs `attempt` again while `taken` says its outcome met a GitLab project someone else took. */
export async function claiming<T>(attempt: () => Promise<T>, taken: (outcome: T) => boolean): Promise<T> {
  for (let n = 1; ; n += 1) {
    const outcome = await attempt();
    if (n >= CLAIM_ATTEMPTS || !taken(outcome)) return outcome;
  }
}
