// Where state is created and cleaned: the projects, runners and commits the checks need, created through
// the API itself with run-unique names, recorded in the ledger, and removed again. Shared state (one
// project, one runner) lives as long as a suite file; a case's own state lives in its Scope and is
// removed when the case ends, whatever its outcome.
import crypto from 'node:crypto';
import type { RunConfig } from '../config/run-config';
import type { ApiRequest, ApiResponse, Transport } from '../http/types';
import { GitlabIdPool } from './gitlab-id-pool';
import { type Ledger, type Resource, resourceKey } from './ledger';

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

/**
 * How often a creation may meet a GitLab project that another client took meanwhile (two runs against
 * one target): each such id is given up, so the runs soon hold disjoint ones.
 */
export const MAX_CLAIM_ATTEMPTS = 10;

export class StateError extends Error {
  override readonly name = 'StateError';
}

/** Resources a case created for itself; removed when the case ends (links, then runners, then projects). */
export class Scope {
  private readonly resources: Resource[] = [];
  private readonly gitlabIds: number[] = [];
  constructor(private readonly world: World) {}

  add(resource: Resource): void {
    this.resources.push(resource);
  }

  reserve(gitlabId: number): void {
    this.gitlabIds.push(gitlabId);
  }

  get reservedGitlabIds(): readonly number[] {
    return this.gitlabIds;
  }

  async close(): Promise<void> {
    await this.world.removeInOrder(this.resources);
    for (const id of this.gitlabIds) this.world.releaseGitlabId(id);
    this.resources.length = 0;
    this.gitlabIds.length = 0;
  }
}

/** The user credentials of method #1 as query parameters or header. */
export function userAuth(token: string, gitlabUrl: string, form: 'query' | 'header' = 'query'): Pick<ApiRequest, 'query' | 'headers'> {
  return form === 'query'
    ? { query: { private_token: token, url: gitlabUrl } }
    : { query: { url: gitlabUrl }, headers: { 'PRIVATE-TOKEN': token } };
}

export class World {
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly live = new Map<string, Resource>();
  /** GitLab ids taken from the pool and not yet given back. */
  private readonly heldGitlabIds = new Set<number>();
  readonly buildTag: string;

  /** What state set-up and clean-up send through (the API itself unless the session observes them apart). */
  private readonly setupApi: Transport;
  private readonly cleanupApi: Transport;

  constructor(
    readonly api: Transport,
    readonly config: RunConfig,
    private readonly ledger: Ledger,
    private readonly gitlabIds: GitlabIdPool,
    through: { setup?: Transport; cleanup?: Transport } = {},
  ) {
    this.buildTag = `conformance-${config.runId}`;
    this.setupApi = through.setup ?? api;
    this.cleanupApi = through.cleanup ?? api;
  }

  scope(): Scope {
    return new Scope(this);
  }

  userAuth(form: 'query' | 'header' = 'query'): Pick<ApiRequest, 'query' | 'headers'> {
    return userAuth(this.config.privateToken, this.config.gitlabUrl, form);
  }

  uniqueName(what: string): string {
    return `conformance-${this.config.runId}-${what}-${crypto.randomBytes(3).toString('hex')}`;
  }

  /** The project most cases read from; created once per suite file. */
  sharedProject(): Promise<ProjectHandle> {
    return this.once('shared-project', () => this.createProject());
  }

  /** A second project, for "token of another project" cases. */
  otherProject(): Promise<ProjectHandle> {
    return this.once('other-project', () => this.createProject());
  }

  /** A specific runner of the shared project, tagged so it only ever receives this run's builds. */
  sharedRunner(): Promise<RunnerHandle> {
    return this.once('shared-runner', async () => this.registerRunner(await this.sharedProject()));
  }

  /** A commit of the shared project, so that listings have builds to show. */
  sharedCommit(): Promise<CommitHandle> {
    return this.once('shared-commit', async () => this.pushCommit(await this.sharedProject()));
  }

  /** The token of a runner that was registered and then deleted. */
  deletedRunnerToken(): Promise<string> {
    return this.once('deleted-runner', async () => {
      const scope = this.scope();
      const runner = await this.registerRunner(await this.sharedProject(), scope);
      await scope.close();
      return runner.token;
    });
  }

  /** A GitLab project id the user manages, for a CI project this case is about to create. */
  async acquireGitlabId(scope?: Scope): Promise<number> {
    const id = await this.gitlabIds.acquire(this.config.timeoutMs * 6);
    this.heldGitlabIds.add(id);
    scope?.reserve(id);
    return id;
  }

  /** GitLab ids that another client may have taken: never handed out again by this run. */
  forfeitGitlabIds(ids: readonly number[]): void {
    for (const id of ids) this.heldGitlabIds.delete(id);
  }

  /** Gives a GitLab id back, unless a live CI project of the run still uses it. */
  releaseGitlabId(id: number): void {
    const inUse = [...this.live.values()].some((r) => r.kind === 'project' && r.gitlabId === id);
    if (inUse || !this.heldGitlabIds.delete(id)) return;
    this.gitlabIds.release(id);
  }

  projectBody(gitlabId: number, name = this.uniqueName('project')): Record<string, unknown> {
    return {
      name,
      gitlab_id: gitlabId,
      path: `conformance/${name}`,
      ssh_url_to_repo: `git@gitlab.example:conformance/${name}.git`,
      default_ref: 'master',
    };
  }

  async createProject(scope?: Scope): Promise<ProjectHandle> {
    for (let attempt = 1; ; attempt += 1) {
      const gitlabId = await this.acquireGitlabId();
      const body = this.projectBody(gitlabId);
      const response = await this.setupApi.send({ method: 'POST', path: '/projects', ...this.userAuth(), body }).catch((error: unknown) => {
        this.releaseGitlabId(gitlabId);
        throw error;
      });
      const project = this.recordCreation({ method: 'POST', path: '/projects', body }, response, scope) as ProjectHandle | undefined;
      if (project) return { id: project.id, token: project.token, gitlabId, name: body.name as string };
      // 409: someone else (another run at the same time) attached a CI project to that GitLab project
      // since it was found free; it is not given back to the pool, and another one is tried.
      if (response.status === 409 && attempt < MAX_CLAIM_ATTEMPTS) continue;
      this.releaseGitlabId(gitlabId);
      throw stateFailure('create a CI project (POST /projects)', response);
    }
  }

  async registerRunner(project: ProjectHandle, scope?: Scope, tags = [this.buildTag]): Promise<RunnerHandle> {
    const body = { token: project.token, description: this.uniqueName('runner'), tag_list: tags.join(',') };
    const response = await this.setupApi.send({ method: 'POST', path: '/runners/register', body });
    const runner = this.recordCreation({ method: 'POST', path: '/runners/register', body }, response, scope) as RunnerHandle | undefined;
    if (!runner) throw stateFailure('register a runner with a project token (POST /runners/register)', response);
    return { id: runner.id, token: runner.token };
  }

  async linkRunner(project: ProjectHandle, runner: RunnerHandle, scope?: Scope): Promise<void> {
    const request: ApiRequest = { method: 'POST', path: `/projects/${project.id}/runners/${runner.id}`, ...this.userAuth() };
    const response = await this.setupApi.send(request);
    if (!this.recordCreation(request, response, scope)) throw stateFailure('link a runner to a project', response);
  }

  pushData(overrides: { sha?: string; ref?: string; tags?: string[] } = {}): Record<string, unknown> {
    const sha = overrides.sha ?? crypto.randomBytes(20).toString('hex');
    const tags = overrides.tags ?? [this.buildTag];
    return {
      before: '0000000000000000000000000000000000000000',
      after: sha,
      ref: `refs/heads/${overrides.ref ?? 'master'}`,
      user_name: 'Conformance Suite',
      user_email: 'conformance@example.com',
      commits: [
        {
          id: sha,
          message: `conformance run ${this.config.runId}`,
          timestamp: new Date(0).toISOString(),
          url: 'http://gitlab.example/conformance/commit',
          author: { name: 'Conformance Suite', email: 'conformance@example.com' },
        },
      ],
      total_commits_count: 1,
      ci_yaml_file: [`conformance:`, `  script: "echo conformance"`, `  tags: [${tags.join(', ')}]`].join('\n'),
    };
  }

  async pushCommit(project: ProjectHandle, data = this.pushData()): Promise<CommitHandle> {
    const response = await this.setupApi.send({
      method: 'POST',
      path: '/commits',
      body: { project_id: project.id, project_token: project.token, data },
    });
    const commit = response.body as { id?: number; sha?: string; ref?: string; builds?: Array<{ id: number }> } | undefined;
    if (response.status >= 300 || typeof commit?.id !== 'number') throw stateFailure('push a commit (POST /commits)', response);
    return { id: commit.id, sha: String(commit.sha), ref: String(commit.ref), buildIds: (commit.builds ?? []).map((b) => b.id) };
  }

  /** A running build assigned to a fresh runner of a fresh project (nothing else can take it). */
  async runningBuild(scope: Scope): Promise<{ project: ProjectHandle; runner: RunnerHandle; buildId: number }> {
    const project = await this.createProject(scope);
    const [runner] = await Promise.all([this.registerRunner(project, scope), this.pushCommit(project)]);
    const response = await this.setupApi.send({ method: 'POST', path: '/builds/register', body: { token: runner.token } });
    const build = response.body as { id?: number } | undefined;
    if (response.status !== 201 || typeof build?.id !== 'number') throw stateFailure('obtain a build (POST /builds/register)', response);
    return { project, runner, buildId: build.id };
  }

  /**
   * Records whatever a request created, whether or not the case expected it to (a broken server may
   * create a project on a request it should have refused): it must be removed all the same.
   */
  recordCreation(request: ApiRequest, response: ApiResponse, scope?: Scope): { id: number; token: string } | 'linked' | undefined {
    if (response.status < 200 || response.status >= 300) return undefined;
    const body = response.body as { id?: unknown; token?: unknown; gitlab_id?: unknown } | undefined;
    const path = request.path.replace(/\.json$/, '');
    let resource: Resource | undefined;
    // Only what is certainly the run's own is recorded (and so later deleted): a project attached to a
    // GitLab project the run holds (it had no CI project when the run took it), a link between the run's
    // own project and runner. A broken server answering 2xx with someone else's resource changes nothing.
    if (request.method === 'POST' && (path === '/projects' || path === '/forks') && typeof body?.id === 'number') {
      if (!this.heldGitlabIds.has(Number(body.gitlab_id))) return undefined;
      resource = { kind: 'project', id: body.id, gitlabId: Number(body.gitlab_id) };
    } else if (request.method === 'POST' && path === '/runners/register' && typeof body?.id === 'number' && typeof body.token === 'string') {
      resource = { kind: 'runner', id: body.id, token: body.token };
    } else {
      const link = /^\/projects\/(\d+)\/runners\/(\d+)$/.exec(path);
      const ours = link && this.live.has(`project:${link[1]}`) && this.live.has(`runner:${link[2]}`);
      if (request.method === 'POST' && link && ours) resource = { kind: 'link', projectId: Number(link[1]), runnerId: Number(link[2]) };
    }
    if (!resource) return undefined;
    this.track(resource, scope);
    return resource.kind === 'link' ? 'linked' : { id: (body as { id: number }).id, token: String(body?.token) };
  }

  track(resource: Resource, scope?: Scope): void {
    this.ledger.created(resource);
    this.live.set(resourceKey(resource), resource);
    scope?.add(resource);
  }

  /** Removes one resource through the API; true when it is gone. Never touches what the run did not create. */
  async remove(resource: Resource): Promise<boolean> {
    const key = resourceKey(resource);
    if (!this.live.has(key)) return true;
    const gone = await removeThroughApi(this.cleanupApi, this.config, resource);
    if (gone) {
      this.live.delete(key);
      this.ledger.removed(resource);
      if (resource.kind === 'project' && resource.gitlabId !== undefined) this.releaseGitlabId(resource.gitlabId);
    }
    return gone;
  }

  /** Removes everything still alive; answers what could not be removed. */
  async removeAll(): Promise<Resource[]> {
    return this.removeInOrder([...this.live.values()]);
  }

  /**
   * Removes resources in the order their dependencies need, and those that do not depend on each other
   * at once (within --concurrency): links first, then runners, then projects (a project's removal takes
   * its links with it, never its runners). Answers what could not be removed.
   */
  async removeInOrder(resources: Resource[]): Promise<Resource[]> {
    const failed: Resource[] = [];
    for (const kind of REMOVAL_ORDER) {
      const batch = resources.filter((r) => r.kind === kind);
      const gone = await Promise.all(batch.map((r) => this.remove(r).catch(() => false)));
      batch.forEach((r, k) => gone[k] || failed.push(r));
    }
    return failed;
  }

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = make();
      this.memo.set(key, value);
    }
    return value;
  }
}

/** Kinds in the order they are removed: what refers to a resource goes before it. */
const REMOVAL_ORDER: Array<Resource['kind']> = ['link', 'runner', 'project'];

/** The DELETE that removes a resource; the answers that mean "gone". */
export async function removeThroughApi(api: Transport, config: RunConfig, resource: Resource): Promise<boolean> {
  const auth = userAuth(config.privateToken, config.gitlabUrl);
  try {
    switch (resource.kind) {
      case 'project':
        return (await api.send({ method: 'DELETE', path: `/projects/${resource.id}`, ...auth })).status < 300;
      case 'link': {
        const r = await api.send({ method: 'DELETE', path: `/projects/${resource.projectId}/runners/${resource.runnerId}`, ...auth });
        // The project may already be gone, taking the link with it.
        return r.status < 300 || r.status === 404;
      }
      case 'runner': {
        const r = await api.send({ method: 'DELETE', path: '/runners/delete', body: { token: resource.token } });
        return r.status < 300;
      }
    }
  } catch {
    return false;
  }
}

function stateFailure(what: string, response: ApiResponse): StateError {
  const message = (response.body as { message?: unknown } | undefined)?.message;
  return new StateError(`could not ${what}: the server answered ${response.status}${typeof message === 'string' ? ` (${message})` : ''}`);
}
