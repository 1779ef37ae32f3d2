// The one fixtures layer: the state a check, a Pact provider state or the mutation seeding needs
// (projects, runners, links, commits, running builds), made through the target's API with the typed
// clients, over a *recording* transport: every answer that shows a creation is recorded into the scope
// the request was sent for (and the run's ledger) where it happens, whatever the caller then makes of
// the answer; so a client that throws on an unexpected status still leaves nothing unrecorded. What is
// recorded, and how it is removed, is decided in one place: ./resources.ts.
import crypto from 'node:crypto';
import { ApiError, DashboardClient, GitlabClient, RunnerClient, type BuildState, type PushData, type RunnerClientOptions, type UserCredentials } from '../clients';
import { TransportError } from '../http/client';
import type { ApiRequest, ApiResponse, Transport, WireExchange } from '../http/types';
import { claiming, mayBeTaken, NoGitlabIdLeft, type ClaimRefusal, type GitlabIdPool } from './gitlab-id-pool';
import type { Ledger } from './ledger';
import type { Naming } from './naming';
import { recogniseCreation, removalMayHaveHappened, removedBy, REMOVAL_ORDER, removeResource, resourceKey, unansweredCreation, whyNotRemoved, type Holdings, type Removal, type Resource } from './resources';

export interface ProjectHandle {
  id: number;
  token: string;
  gitlabId: number;
  name: string;
}

export interface RunnerHandle {
  id: number;
  token: string;
}

export interface CommitHandle {
  id: number;
  sha: string;
  ref: string;
  buildIds: number[];
}

export interface FixturesOptions {
  /** Where state set-up goes. */
  api: Transport;
  /** Where the requests of checks go (default: api); apart so that a benchmark can tell them apart. */
  checks?: Transport;
  /** Where removals go (default: api). */
  cleanup?: Transport;
  /** The user the fixtures act as (authentication #1): one who manages the GitLab projects in `gitlabIds`. */
  user: UserCredentials;
  naming: Naming;
  gitlabIds: GitlabIdPool;
  /** How long to wait for a free GitLab id (other cases may hold them all for a while). */
  claimTimeoutMs: number;
  /** How the runner client talks (default: like the real runners, paths with .json). */
  runner?: RunnerClientOptions;
  /** The run's ledger: what is recorded is also removed by the run's sweep. */
  ledger?: Pick<Ledger, 'created' | 'removed' | 'unanswered' | 'removalInDoubt'>;
}

/**
 * A prerequisite (the state a group of checks needs) that the server cannot make: its answer was unusable
 * (a 2xx that does not say what it made), or no GitLab id is left. Every later case of the suite file that
 * needs it fails at once with this, and the first failure's exchanges as its evidence.
 */
export class PrerequisiteFailed extends Error {
  override readonly name = 'PrerequisiteFailed';
  constructor(
    what: string,
    cause: Error,
    /** The exchanges of the first failure, as sent and received. */
    readonly exchanges: readonly WireExchange[],
  ) {
    super(`prerequisite "${what}" failed: ${cause.message}`);
  }
}

/** A failed creation of a project, with what its refusal met, if it may have met another client. */
type RefusedClaim = Error & { refusal?: ClaimRefusal };

/** What a refused creation met: also `kept`, a CI project the server answered as removed (no retry mends that). */
export type Refusal = ClaimRefusal | 'kept';

/** The prerequisite most checks share, whose failure also closes the GitLab id pool. */
const PROJECT = 'a CI project of the run';

/** What of a request tells whether it creates or removes something, and which. */
type SentRequest = Pick<ApiRequest, 'method' | 'path' | 'query' | 'body' | 'rawBody'>;

/** Something that could not be removed, and why (no secret in it). */
export interface Leftover {
  resource: Resource;
  why: string;
}

export class Fixtures implements Holdings {
  /** What the run created and has not removed yet, by resourceKey. */
  private readonly live = new Map<string, Resource>();
  /**
   * GitLab ids taken from the pool and not yet given back, each with the scope holding it: a scope gives
   * back only what it still holds (the removal of its project may have given the id back already, and
   * another scope may hold it since).
   */
  private readonly heldGitlabIds = new Map<number, Scope>();
  /** CI projects the server made for the run: it does attach them to free GitLab ids. */
  private projectsMade = 0;
  /** Refusals taken for another client's doing without seeing its project (see refusalOn). */
  private inferredTakes = 0;
  /** CI projects the server answered as removed. */
  private readonly removedProjects = new Set<number>();
  /** Prerequisites the server cannot make, by name: later cases needing one fail at once. */
  private readonly broken = new Map<string, PrerequisiteFailed>();

  constructor(readonly options: FixturesOptions) {}

  get naming(): Naming {
    return this.options.naming;
  }

  scope(): Scope {
    return new Scope(this);
  }

  holdsGitlabId(id: number): boolean {
    return this.heldGitlabIds.has(id);
  }

  owns(key: string): boolean {
    return this.live.has(key);
  }

  /**
   * Records into `scope` whatever a request created, whether or not the caller expected it to (a broken
   * server may create a project on a request it should have refused): it must be removed all the same.
   */
  record(request: SentRequest, response: Pick<ApiResponse, 'status' | 'body'>, scope: Scope): void {
    // A check (or a replayed request) may have removed one of the run's resources: a 2xx does not prove it
    // (a broken server answers 2xx to a removal it refuses), so it stays the run's to remove, in doubt.
    if (response.status >= 200 && response.status < 300) this.removalsInDoubt(request);
    const resource = recogniseCreation(request, response, this);
    if (!resource) {
      // A creation answered 2xx without saying what it made (an empty or partial body): it may exist all the same.
      if (response.status >= 200 && response.status < 300) this.unanswered(request, `answered ${response.status} without what it created`);
      return;
    }
    this.options.ledger?.created(resource);
    this.live.set(resourceKey(resource), resource);
    if (resource.kind === 'project') this.projectsMade += 1;
    scope.add(resource);
  }

  /** Notes a creation request that got no usable answer: what it made, if anything, is looked for by name at the end. */
  private unanswered(request: SentRequest, why: string): void {
    const creation = unansweredCreation(request, why);
    if (creation) this.options.ledger?.unanswered(creation);
  }

  /** Notes a request that got no answer: a creation may have made something, a removal may have removed what it names. */
  noAnswer(request: SentRequest, why: string): void {
    this.unanswered(request, why);
    this.removalsInDoubt(request);
  }

  /** The run's resources a request removes, if it did: they may be gone (the sweep says so if it cannot ask). */
  private removalsInDoubt(request: SentRequest): void {
    for (const resource of this.live.values()) if (removedBy(request, resource)) this.options.ledger?.removalInDoubt(resource);
  }

  /**
   * Makes a prerequisite through `api` (a view of the scope's set-up transport that keeps its exchanges),
   * or fails at once if the server could not make it before; a failure no retry can mend is remembered.
   */
  async prerequisite<T>(what: string, api: Transport, make: (api: Transport) => Promise<T>): Promise<T> {
    const known = this.broken.get(what);
    if (known) throw known;
    const exchanges: WireExchange[] = [];
    const keeping: Transport = {
      send: async (request) => {
        try {
          const response = await api.send(request);
          exchanges.push(response.wire);
          return response;
        } catch (error) {
          if (error instanceof TransportError && error.sent) exchanges.push({ ...error.sent });
          throw error;
        }
      },
    };
    try {
      return await make(keeping);
    } catch (error) {
      const status = exchanges.at(-1)?.response?.status ?? 0;
      const unusable = status >= 200 && status < 300;
      if (error instanceof Error && (unusable || error instanceof NoGitlabIdLeft)) {
        const failed = new PrerequisiteFailed(what, error, exchanges);
        this.broken.set(what, failed);
        // Without CI projects no GitLab id is of use: those waiting for one fail now.
        if (what === PROJECT) this.options.gitlabIds.close(failed);
      }
      throw error;
    }
  }

  /** `api`, recording into `scope` every creation its answers show, and noting creations that got no answer. */
  recording(api: Transport, scope: Scope): Transport {
    return {
      send: async (request) => {
        const response = await api.send(request).catch((error: unknown) => {
          if (error instanceof TransportError && error.mayHaveArrived) this.noAnswer(request, `got no answer: ${error.reason}`);
          throw error;
        });
        this.record(request, response, scope);
        return response;
      },
    };
  }

  /** A GitLab project id the user manages, for a CI project about to be created. */
  async acquireGitlabId(holder: Scope): Promise<number> {
    const id = await this.options.gitlabIds.acquire(this.options.claimTimeoutMs);
    this.heldGitlabIds.set(id, holder);
    return id;
  }

  /**
   * Of the GitLab ids a refused creation used, those the user's listing shows a CI project on that is not
   * the run's (`seen`: another client's), and those still holding one the run removed (`kept`: the
   * server answered a deletion and kept the project), and those holding one of the run's own (`ours`).
   */
  private async onTheIds(ids: readonly number[]): Promise<{ seen: number[]; kept: number[]; ours: number[] }> {
    try {
      const projects = (await new DashboardClient(this.options.api, this.options.user).listProjects()).filter((p) => ids.includes(p.gitlab_id));
      const isOurs = (p: { id: number }) => this.owns(resourceKey({ kind: 'project', id: p.id }));
      const others = projects.filter((p) => !isOurs(p));
      const kept = others.filter((p) => this.removedProjects.has(p.id)).map((p) => p.gitlab_id);
      return { seen: others.map((p) => p.gitlab_id).filter((id) => !kept.includes(id)), kept, ours: projects.filter(isOurs).map((p) => p.gitlab_id) };
    } catch {
      return { seen: [], kept: [], ours: [] };
    }
  }

  /**
   * What a refused creation on GitLab ids the run holds met: `taken` when the user's listing shows another
   * client's CI project on one of them (given up for good), else `unexplained` (src/state/gitlab-id-pool.ts).
   */
  async refusalOn(ids: readonly number[], status: number): Promise<Refusal | undefined> {
    if (ids.length === 0) return undefined;
    const { seen, kept, ours } = await this.onTheIds(ids);
    // An id with a CI project of the run's own on it (a check asked for the conflict) explains its refusal.
    const open = ids.filter((id) => !ours.includes(id));
    if (open.length === 0) return undefined;
    if (kept.length) {
      this.forfeitGitlabIds(kept);
      return 'kept';
    }
    // A server that attached the run's CI projects to its free GitLab ids before refuses one on a free id
    // because someone else had it, gone again before the listing was read (within a budget, so that a
    // server refusing for its own reasons cannot drain the pool).
    // Only for the documented conflict status (CONFLICT-409): a 400 is as often the server's own reasons.
    const inferred = status === 409 && seen.length === 0 && this.projectsMade > 0 && this.inferredTakes < this.options.gitlabIds.total / 4 ? open : [];
    this.inferredTakes += inferred.length ? 1 : 0;
    const taken = [...seen, ...inferred];
    this.forfeitGitlabIds(taken);
    return taken.length ? 'taken' : 'unexplained';
  }

  /** refusalOn, for a check's or an interaction's own creation: whether trying it again may help (src/state/gitlab-id-pool.ts). */
  async claimRefusalOn(ids: readonly number[], status: number): Promise<ClaimRefusal | undefined> {
    const refusal = await this.refusalOn(ids, status);
    return refusal === 'kept' ? undefined : refusal;
  }

  /** GitLab ids that another client may have taken: never handed out again, never taken for the run's own. */
  forfeitGitlabIds(ids: readonly number[]): void {
    for (const id of ids) if (this.heldGitlabIds.delete(id)) this.options.gitlabIds.forfeit();
  }

  /**
   * Gives a GitLab id back, unless a live CI project of the run still uses it, or (with `holder`) unless
   * another scope holds it now. Without a holder: the CI project on it was removed; the id goes back unless
   * a scope reserved it for its requests (it keeps it until it closes: its requests may make another).
   */
  releaseGitlabId(id: number, holder?: Scope): void {
    const inUse = [...this.live.values()].some((r) => r.kind === 'project' && r.gitlabId === id);
    const held = this.heldGitlabIds.get(id);
    if (inUse || held === undefined) return;
    if (holder === undefined ? held.reservedGitlabIds.includes(id) : held !== holder) return;
    this.heldGitlabIds.delete(id);
    this.options.gitlabIds.release(id);
  }

  projectBody(gitlabId: number, defaultRef = 'master'): { name: string; gitlab_id: number; path: string; ssh_url_to_repo: string; default_ref: string } {
    const name = this.naming.name('project');
    const space = this.naming.prefix;
    return { name, gitlab_id: gitlabId, path: `${space}/${name}`, ssh_url_to_repo: `git@gitlab.example:${space}/${name}.git`, default_ref: defaultRef };
  }

  /** GitLab push data of one commit whose one job carries `tags` (default: the run's tag, so only the run's runners take it). */
  pushData(options: { sha?: string; ref?: string; tags?: string[] } = {}): PushData {
    const sha = options.sha ?? crypto.randomBytes(20).toString('hex');
    const tags = options.tags ?? [this.naming.tag()];
    return {
      before: '0000000000000000000000000000000000000000',
      after: sha,
      ref: `refs/heads/${options.ref ?? 'master'}`,
      user_name: 'Conformance Suite',
      user_email: 'conformance@example.com',
      commits: [
        {
          id: sha,
          message: `conformance run ${this.naming.runId}`,
          timestamp: new Date(0).toISOString(),
          url: 'http://gitlab.example/conformance/commit',
          author: { name: 'Conformance Suite', email: 'conformance@example.com' },
        },
      ],
      total_commits_count: 1,
      ci_yaml_file: [`conformance:`, `  script: "echo conformance"`, `  tags: [${tags.join(', ')}]`].join('\n'),
    };
  }

  /** Removes one resource the run created; never touches anything else. */
  async remove(resource: Resource): Promise<Removal> {
    const key = resourceKey(resource);
    if (!this.live.has(key)) return { gone: true };
    const removal = await removeResource(this.options.cleanup ?? this.options.api, this.options.user, resource);
    if (removal.gone) this.forget(resource);
    else {
      if (removalMayHaveHappened(removal)) this.options.ledger?.removalInDoubt(resource);
      // Its GitLab id stays taken: the pool must not wait for it.
      if (resource.kind === 'project' && resource.gitlabId !== undefined) this.forfeitGitlabIds([resource.gitlabId]);
    }
    return removal;
  }

  /** A resource of the run that is gone: out of the ledger, and its GitLab id given back. */
  private forget(resource: Resource): void {
    this.live.delete(resourceKey(resource));
    this.options.ledger?.removed(resource);
    if (resource.kind !== 'project') return;
    this.removedProjects.add(resource.id);
    if (resource.gitlabId !== undefined) this.releaseGitlabId(resource.gitlabId);
  }

  /**
   * Removes resources in the registry's order, those of one kind at once (within --concurrency);
   * answers what could not be removed.
   */
  async removeInOrder(resources: readonly Resource[]): Promise<Leftover[]> {
    const left: Leftover[] = [];
    for (const kind of REMOVAL_ORDER) {
      const batch = resources.filter((r) => r.kind === kind);
      const removals = await Promise.all(batch.map((r) => this.remove(r)));
      removals.forEach((removal, k) => removal.gone || left.push({ resource: batch[k], why: whyNotRemoved(removal) }));
    }
    return left;
  }

  /** Removes everything still alive. */
  removeAll(): Promise<Leftover[]> {
    return this.removeInOrder([...this.live.values()]);
  }
}

/**
 * What one case, one Pact interaction or one seeding created: removed when the scope closes, whatever
 * the outcome. Its transports record into it; its fixtures set up state through the typed clients.
 */
export class Scope {
  /** For the requests of checks: records what they create into this scope. */
  readonly api: Transport;
  readonly gitlab: GitlabClient;
  private readonly setupApi: Transport;
  private readonly resources: Resource[] = [];
  private readonly gitlabIds: number[] = [];

  constructor(readonly fixtures: Fixtures) {
    const { api, checks, user } = fixtures.options;
    this.api = fixtures.recording(checks ?? api, this);
    this.setupApi = fixtures.recording(api, this);
    this.gitlab = new GitlabClient(this.setupApi, user);
  }

  add(resource: Resource): void {
    this.resources.push(resource);
  }

  /** A runner client for set-up (registered already when `token` is given). */
  runner(token?: string): RunnerClient {
    return new RunnerClient(this.setupApi, { ...this.fixtures.options.runner, token });
  }

  /** GitLab ids this scope reserved for creations of its own requests. */
  get reservedGitlabIds(): readonly number[] {
    return this.gitlabIds;
  }

  /** A GitLab project id for a CI project a request of this scope is about to create; given back at close. */
  async reserveGitlabId(): Promise<number> {
    const id = await this.fixtures.acquireGitlabId(this);
    this.gitlabIds.push(id);
    return id;
  }

  /** Like reserveGitlabId, and checked to have no CI project right now (someone may have attached one since). */
  async freeGitlabId(): Promise<number> {
    for (;;) {
      const id = await this.fixtures.acquireGitlabId(this);
      // Listed once the id is held: a listing from before a wait for it would show projects removed since.
      const projects = await new DashboardClient(this.setupApi, this.fixtures.options.user).listProjects();
      if (!projects.some((p) => p.gitlab_id === id)) {
        this.gitlabIds.push(id);
        return id;
      }
      this.fixtures.forfeitGitlabIds([id]);
    }
  }

  /** A CI project of the run, on a GitLab project the run holds (another one if someone took it meanwhile). */
  createProject(defaultRef = 'master'): Promise<ProjectHandle> {
    return this.fixtures.prerequisite(PROJECT, this.setupApi, (api) => this.claimProject(new GitlabClient(api, this.fixtures.options.user), defaultRef));
  }

  private async claimProject(gitlab: GitlabClient, defaultRef: string): Promise<ProjectHandle> {
    /** Ids whose creation was refused for no reason the listing showed: held aside until the outcome says why. */
    const suspected: number[] = [];
    const outcome = await claiming(
      () => this.tryCreateProject(gitlab, defaultRef, suspected),
      (o) => (o instanceof Error ? (o as RefusedClaim).refusal : undefined),
    );
    if (outcome instanceof Error) {
      for (const id of suspected) this.fixtures.releaseGitlabId(id, this);
      throw outcome;
    }
    // The server does create projects: another client had those ids (its project gone before the listing was read).
    this.fixtures.forfeitGitlabIds(suspected);
    return outcome;
  }

  private async tryCreateProject(gitlab: GitlabClient, defaultRef: string, suspected: number[]): Promise<ProjectHandle | Error> {
    const gitlabId = await this.fixtures.acquireGitlabId(this);
    const body = this.fixtures.projectBody(gitlabId, defaultRef);
    try {
      const project = await gitlab.createProject(body);
      if (!this.fixtures.owns(resourceKey({ kind: 'project', id: project.id }))) {
        throw new Error(`POST /projects answered a CI project on gitlab_id ${project.gitlab_id}, not the ${gitlabId} it was asked for: not used`);
      }
      return { id: project.id, token: project.token, gitlabId, name: body.name };
    } catch (error) {
      const refusal = error instanceof ApiError && mayBeTaken(error.status) ? await this.fixtures.refusalOn([gitlabId], error.status) : undefined;
      if (refusal === 'kept') {
        const why = `${error instanceof Error ? error.message : String(error)}: a CI project the server answered as removed is still on GitLab project ${gitlabId}, so no GitLab project is ever freed`;
        return Object.assign(new NoGitlabIdLeft(why), { refusal: undefined });
      }
      if (refusal === 'unexplained') suspected.push(gitlabId);
      else if (refusal === undefined) this.fixtures.releaseGitlabId(gitlabId, this);
      if (error instanceof Error) return Object.assign(error, { refusal });
      throw error;
    }
  }

  /**
   * A runner specific to a project of the run (never a shared one: on staging it would take other
   * people's builds), tagged so that it only ever takes the run's builds.
   */
  registerRunner(project: Pick<ProjectHandle, 'token'>, tags = [this.fixtures.naming.tag()]): Promise<RunnerHandle> {
    return this.fixtures.prerequisite('a runner of the run', this.setupApi, async (api) => {
      const runner = new RunnerClient(api, this.fixtures.options.runner);
      const { id, token } = await runner.register({ token: project.token, description: this.fixtures.naming.name('runner'), tags });
      return { id, token };
    });
  }

  async linkRunner(project: Pick<ProjectHandle, 'id'>, runner: Pick<RunnerHandle, 'id'>): Promise<void> {
    await this.gitlab.linkRunner(project.id, runner.id);
  }

  async pushCommit(project: Pick<ProjectHandle, 'id' | 'token'>, data = this.fixtures.pushData()): Promise<CommitHandle> {
    const commit = await this.gitlab.pushCommit(project.id, project.token, data);
    return { id: commit.id, sha: commit.sha, ref: commit.ref, buildIds: (commit.builds ?? []).map((b) => b.id) };
  }

  /** The runner asks for a build and must get one; its id. */
  async takeBuild(runnerToken: string): Promise<number> {
    const answer = await this.runner(runnerToken).requestBuild();
    if (answer.kind !== 'build') throw new Error(`the runner got no build (POST /builds/register: ${answer.kind})`);
    return answer.build.id;
  }

  /** The runner reports its build finished. */
  async finishBuild(runnerToken: string, buildId: number, state: Exclude<BuildState, 'running'>, trace: string): Promise<void> {
    const answer = await this.runner(runnerToken).updateBuild(buildId, state, trace);
    if (answer !== 'ok') throw new Error(`the runner could not finish build ${buildId} (PUT /builds/:id: ${answer})`);
  }

  /** A running build assigned to a fresh runner of a fresh project (nothing else can take it). */
  async runningBuild(): Promise<{ project: ProjectHandle; runner: RunnerHandle; buildId: number }> {
    const project = await this.createProject();
    const [runner] = await Promise.all([this.registerRunner(project), this.pushCommit(project)]);
    return { project, runner, buildId: await this.takeBuild(runner.token) };
  }

  /** Removes what this scope created and gives its GitLab ids back; answers what could not be removed. */
  async close(): Promise<Leftover[]> {
    const left = await this.fixtures.removeInOrder(this.resources);
    for (const id of this.gitlabIds) this.fixtures.releaseGitlabId(id, this);
    this.resources.length = 0;
    this.gitlabIds.length = 0;
    return left;
  }
}
