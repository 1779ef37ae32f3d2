// The client of the GitLab identity service (GitLab API v3): who a user token belongs to and what the
// user may do with a GitLab project. This is how a GitLab CI server authenticates "GitLab user token & url".
export interface GitlabUser {
  id: number;
  username: string;
  [key: string]: unknown;
}

export interface IdentityProvider {
  /** The user the private token belongs to; undefined when GitLab does not know the token. */
  user(token: string): Promise<GitlabUser | undefined>;
  /** Ids of the GitLab projects the user can access (owned: only those the user owns). */
  projectIds(token: string, owned: boolean): Promise<Set<number>>;
  /** Whether the user can see the GitLab project. */
  canAccess(token: string, gitlabId: number): Promise<boolean>;
  /** Whether the user can manage the GitLab project (master or owner: GET /projects/:id/hooks answers 200). */
  canManage(token: string, gitlabId: number): Promise<boolean>;
}

/** GitLab could not be asked (unreachable, or an unexpected answer). */
export class IdentityUnavailableError extends Error {
  override readonly name = 'IdentityUnavailableError';
}

/** Visible ASCII only: what a header carries byte for byte, and all GitLab tokens are made of. */
const CARRIABLE_TOKEN = /^[\x21-\x7e]+$/;
const PER_PAGE = 100;
const MAX_PAGES = 50;
/** Successful answers are remembered this long: a conformance run asks the same questions many times. */
const CACHE_MS = 2_000;

export class GitlabIdentityClient implements IdentityProvider {
  private readonly api: string;
  private readonly cache = new Map<string, { until: number; value: Promise<unknown> }>();

  constructor(
    gitlabUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.api = `${gitlabUrl.replace(/\/+$/, '')}/api/v3`;
  }

  private async get(path: string, token: string): Promise<{ status: number; body: unknown }> {
    // A token that cannot travel unchanged in a header (a control, non-ASCII or blank character) is none
    // GitLab issued: GitLab is not asked, and would not know it (GitLab's own answer: 401).
    if (!CARRIABLE_TOKEN.test(token)) return { status: 401, body: undefined };
    let res: Response;
    try {
      res = await fetch(`${this.api}${path}`, {
        headers: { 'PRIVATE-TOKEN': token, Accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new IdentityUnavailableError(`GitLab is unreachable: ${(error as Error).message}`);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.status >= 500) throw new IdentityUnavailableError(`GitLab answered ${res.status}`);
    return { status: res.status, body };
  }

  /** Memoises positive answers for a short while (failures are not remembered). */
  private remember<T>(key: string, compute: () => Promise<T>, keep: (value: T) => boolean): Promise<T> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.value as Promise<T>;
    const value = compute();
    this.cache.set(key, { until: now + CACHE_MS, value });
    value.then(
      (v) => {
        if (!keep(v)) this.cache.delete(key);
      },
      () => this.cache.delete(key),
    );
    if (this.cache.size > 10_000) this.cache.clear();
    return value;
  }

  user(token: string): Promise<GitlabUser | undefined> {
    return this.remember(
      `user\0${token}`,
      async () => {
        const { status, body } = await this.get('/user', token);
        if (status !== 200 || !body || typeof body !== 'object' || typeof (body as GitlabUser).id !== 'number') return undefined;
        return body as GitlabUser;
      },
      (u) => u !== undefined,
    );
  }

  projectIds(token: string, owned: boolean): Promise<Set<number>> {
    return this.remember(
      `projects\0${owned}\0${token}`,
      async () => {
        const ids = new Set<number>();
        for (let page = 1; page <= MAX_PAGES; page++) {
          const { status, body } = await this.get(`/projects${owned ? '/owned' : ''}?per_page=${PER_PAGE}&page=${page}`, token);
          if (status !== 200 || !Array.isArray(body)) break;
          for (const p of body) if (p && typeof p.id === 'number') ids.add(p.id);
          if (body.length < PER_PAGE) break;
        }
        return ids;
      },
      () => true,
    );
  }

  canAccess(token: string, gitlabId: number): Promise<boolean> {
    return this.remember(
      `access\0${gitlabId}\0${token}`,
      async () => (await this.get(`/projects/${gitlabId}`, token)).status === 200,
      (ok) => ok,
    );
  }

  canManage(token: string, gitlabId: number): Promise<boolean> {
    return this.remember(
      `manage\0${gitlabId}\0${token}`,
      async () => (await this.get(`/projects/${gitlabId}/hooks`, token)).status === 200,
      (ok) => ok,
    );
  }
}
