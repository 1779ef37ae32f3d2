// The in-memory GitLab CI domain: projects, runners and their links, commits and builds.
// Every method is synchronous, so that a check and the change it guards can never interleave with
// another request (e.g. two runners asking for the oldest pending build at once).
import { DEFAULT_JOB, jobsFromCiYaml, type JobSpec } from './ci-config';
import { conflict, forbidden, notFound, unprocessable } from './errors';
import type { Build, BuildStatus, Commit, CommitStatus, Project, Runner, RunnerInfo, RunnerTombstone } from './model';
import { randomHexToken, randomToken } from './tokens';

const PROJECT_TIMEOUT = 3600;
const BUILD_STATES = ['running', 'success', 'failed'] as const;

export interface ProjectInput {
  name: string;
  gitlabId: number;
  path: string;
  sshUrlToRepo: string;
  defaultRef?: string;
}

export interface PushCommit {
  id?: string;
  message?: string;
  authorName?: string;
  authorEmail?: string;
}

export interface PushInput {
  before: string | null;
  /** The sha to build (push data `checkout_sha`, else `after`). */
  sha: string;
  /** As pushed: refs/heads/<branch>, refs/tags/<tag>, or a bare name. */
  ref: string;
  commits: PushCommit[];
  ciYamlFile?: string;
}

/**
 * What the domain refuses that a server may let through, for one request (the HTTP layer decides, e.g.
 * as GitLab CI 8.0 did): a project name another project has, a build state it does not know (ignored).
 */
export interface Leniency {
  duplicateNames?: boolean;
  unknownBuildStates?: boolean;
}

export interface RunnerInput {
  description?: string | null;
  tags?: string[];
  info?: RunnerInfo;
}

/** What a registration token grants: a shared runner (no project) or a runner specific to the project. */
export interface RunnerGrant {
  project: Project | undefined;
}

export type RunnerDeletion = { runner: Runner; repeated: false } | { tombstone: RunnerTombstone; repeated: true };

export interface CommitState {
  status: CommitStatus;
  finishedAt: string | null;
  duration: number | null;
}

export type IdKind = 'project' | 'runner' | 'commit' | 'build';
export type TokenKind = 'project' | 'runner';

/** Hands out the id of a new record; ids must be unique per kind and safe integers. Default: 1, 2, 3, ... per kind. */
export type IdGenerator = (kind: IdKind) => number;
/** Makes a candidate token for a new project or runner (the store retries until it is unused). */
export type TokenGenerator = (kind: TokenKind) => string;

export interface StoreOptions {
  registrationToken: string;
  /** The clock (ISO-8601 strings), replaceable in tests. */
  now?: () => string;
  /** Ids of new records; default sequential per kind (1, 2, 3, ...). */
  ids?: IdGenerator;
  /** Tokens of new projects and runners; default 22 alphanumerics (projects) and 30 hex digits (runners). */
  tokens?: TokenGenerator;
}

/** What a store holds, as plain data (for tests comparing the state before and after a run). */
export interface StoreSnapshot {
  projects: Array<Omit<Project, 'commits' | 'commitIndex'> & { commits: Array<Omit<Commit, 'builds'> & { builds: Array<Omit<Build, 'commit'>> }> }>;
  runners: Array<Omit<Runner, 'projectIds'> & { projectIds: number[] }>;
  pendingBuildIds: number[];
}

const DEFAULT_TOKENS: TokenGenerator = (kind) => (kind === 'project' ? randomToken(22) : randomHexToken(30));

const isBlank = (s: string): boolean => s.trim().length === 0;

export class CiStore {
  readonly registrationToken: string;
  private readonly now: () => string;
  private readonly nextId: IdGenerator;
  private readonly newToken: TokenGenerator;
  private seq = { project: 0, runner: 0, commit: 0, build: 0 };

  private readonly projects = new Map<number, Project>();
  private readonly projectsByToken = new Map<string, Project>();
  private readonly projectsByGitlabId = new Map<number, Project>();
  private readonly projectsByName = new Map<string, Project>();

  private readonly runners = new Map<number, Runner>();
  private readonly runnersByToken = new Map<string, Runner>();
  private readonly deletedRunners = new Map<string, RunnerTombstone>();

  private readonly builds = new Map<number, Build>();
  /** Pending builds by id; a Map iterates in insertion order, so the oldest comes first. */
  private readonly pending = new Map<number, Build>();

  constructor(options: StoreOptions) {
    this.registrationToken = options.registrationToken;
    this.now = options.now ?? (() => new Date().toISOString());
    this.nextId = options.ids ?? ((kind) => ++this.seq[kind]);
    this.newToken = options.tokens ?? DEFAULT_TOKENS;
  }

  /** A fresh id of the kind; a generator that repeats an id is a bug of the generator. */
  private id(kind: IdKind, taken: ReadonlyMap<number, unknown> | undefined): number {
    const id = this.nextId(kind);
    if (!Number.isSafeInteger(id) || id < 1 || taken?.has(id)) throw new Error(`the ${kind} id generator answered ${id}, which is not a fresh positive id`);
    return id;
  }

  // ---- projects --------------------------------------------------------------------------------

  getProject(id: number): Project | undefined {
    return this.projects.get(id);
  }

  /** CI projects attached to any of the given GitLab projects, by CI id. */
  projectsForGitlabIds(gitlabIds: ReadonlySet<number>): Project[] {
    const out: Project[] = [];
    for (const id of gitlabIds) {
      const p = this.projectsByGitlabId.get(id);
      if (p) out.push(p);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  createProject(input: ProjectInput, leniency: Leniency = {}): Project {
    if (isBlank(input.name)) throw unprocessable("name can't be blank");
    this.assertNoConflict(leniency.duplicateNames ? undefined : input.name, input.gitlabId);
    const at = this.now();
    const project: Project = {
      id: this.id('project', this.projects),
      name: input.name,
      token: this.uniqueToken(() => this.newToken('project')),
      defaultRef: input.defaultRef && !isBlank(input.defaultRef) ? input.defaultRef : 'master',
      gitlabId: input.gitlabId,
      path: input.path,
      sshUrlToRepo: input.sshUrlToRepo,
      timeout: PROJECT_TIMEOUT,
      createdAt: at,
      updatedAt: at,
      commits: [],
      commitIndex: new Map(),
    };
    this.projects.set(project.id, project);
    this.projectsByToken.set(project.token, project);
    this.projectsByGitlabId.set(project.gitlabId, project);
    this.projectsByName.set(project.name, project);
    return project;
  }

  updateProject(id: number, changes: Partial<ProjectInput>, leniency: Leniency = {}): Project {
    const project = this.projects.get(id);
    if (!project) throw notFound();
    if (changes.name !== undefined && isBlank(changes.name)) throw unprocessable("name can't be blank");
    this.assertNoConflict(leniency.duplicateNames ? undefined : changes.name, changes.gitlabId, project);
    if (changes.name !== undefined && changes.name !== project.name) {
      if (this.projectsByName.get(project.name) === project) this.projectsByName.delete(project.name);
      project.name = changes.name;
      this.projectsByName.set(project.name, project);
    }
    if (changes.gitlabId !== undefined && changes.gitlabId !== project.gitlabId) {
      this.projectsByGitlabId.delete(project.gitlabId);
      project.gitlabId = changes.gitlabId;
      this.projectsByGitlabId.set(project.gitlabId, project);
    }
    if (changes.path !== undefined) project.path = changes.path;
    if (changes.sshUrlToRepo !== undefined) project.sshUrlToRepo = changes.sshUrlToRepo;
    if (changes.defaultRef !== undefined) project.defaultRef = isBlank(changes.defaultRef) ? 'master' : changes.defaultRef;
    project.updatedAt = this.now();
    return project;
  }

  /** Removes a project with its commits, builds and runner links; undefined when there was none. */
  deleteProject(id: number): Project | undefined {
    const project = this.projects.get(id);
    if (!project) return undefined;
    this.projects.delete(id);
    this.projectsByToken.delete(project.token);
    this.projectsByGitlabId.delete(project.gitlabId);
    if (this.projectsByName.get(project.name) === project) this.projectsByName.delete(project.name);
    for (const commit of project.commits) {
      for (const build of commit.builds) {
        this.builds.delete(build.id);
        this.pending.delete(build.id);
      }
    }
    for (const runner of this.runners.values()) runner.projectIds.delete(id);
    return project;
  }

  /** The project named by projectId, if token is its token; 'forbidden' otherwise (also for an unknown id). */
  authenticateProject(projectId: number, token: string): Project {
    const project = this.projectsByToken.get(token);
    if (!project || project.id !== projectId) throw forbidden('project');
    return project;
  }

  /** The CI project of GitLab project gitlabId, if token is its token; 'forbidden' otherwise. */
  authenticateProjectByGitlabId(gitlabId: number, token: string): Project {
    const project = this.projectsByToken.get(token);
    if (!project || project.gitlabId !== gitlabId) throw forbidden('project');
    return project;
  }

  private assertNoConflict(name: string | undefined, gitlabId: number | undefined, self?: Project): void {
    if (name !== undefined) {
      const other = this.projectsByName.get(name);
      if (other && other !== self) throw conflict('name-taken', 'a CI project with this name already exists');
    }
    if (gitlabId !== undefined) {
      const other = this.projectsByGitlabId.get(gitlabId);
      if (other && other !== self) throw conflict('gitlab-project-taken', 'this GitLab project already has a CI project');
    }
  }

  private uniqueToken(make: () => string): string {
    for (;;) {
      const token = make();
      if (
        token !== this.registrationToken &&
        !this.projectsByToken.has(token) &&
        !this.runnersByToken.has(token) &&
        !this.deletedRunners.has(token)
      )
        return token;
    }
  }

  // ---- runners ---------------------------------------------------------------------------------

  listRunners(): Runner[] {
    return [...this.runners.values()];
  }

  /** What a token may register: a shared runner (the registration token) or one specific to the project whose token it is. */
  authenticateRegistration(token: string): RunnerGrant {
    if (token === this.registrationToken) return { project: undefined };
    const project = this.projectsByToken.get(token);
    if (!project) throw forbidden('registration');
    return { project };
  }

  /** Registers a shared runner (registration token) or one specific to the project whose token it is. */
  registerRunner(registrationToken: string, input: RunnerInput = {}): Runner {
    return this.addRunner(this.authenticateRegistration(registrationToken), input);
  }

  /** Adds the runner a registration grants. */
  addRunner({ project }: RunnerGrant, input: RunnerInput = {}): Runner {
    const at = this.now();
    const runner: Runner = {
      id: this.id('runner', this.runners),
      token: this.uniqueToken(() => this.newToken('runner')),
      description: input.description ?? null,
      tags: [...new Set(input.tags ?? [])],
      isShared: !project,
      projectIds: new Set(project ? [project.id] : []),
      info: input.info ?? {},
      createdAt: at,
      updatedAt: at,
      contactedAt: null,
    };
    this.runners.set(runner.id, runner);
    this.runnersByToken.set(runner.token, runner);
    return runner;
  }

  deletedRunner(token: string): RunnerTombstone | undefined {
    return this.deletedRunners.get(token);
  }

  /** The live runner whose token this is; 'forbidden' for any other token, a deleted runner's included. */
  authenticateRunner(token: string): Runner {
    const runner = this.runnersByToken.get(token);
    if (!runner) throw forbidden('runner');
    return runner;
  }

  /** Deletes the runner; repeated with the token of a runner deleted before, reports the tombstone. */
  deleteRunner(token: string): RunnerDeletion {
    const tombstone = this.deletedRunners.get(token);
    if (tombstone) return { tombstone, repeated: true };
    return { runner: this.removeRunner(this.authenticateRunner(token)), repeated: false };
  }

  /** Removes a live runner, keeping a tombstone so that its token stays refused and a repeated DELETE answers 200. */
  removeRunner(runner: Runner): Runner {
    this.runners.delete(runner.id);
    this.runnersByToken.delete(runner.token);
    const at = this.now();
    runner.updatedAt = at;
    this.deletedRunners.set(runner.token, {
      id: runner.id,
      token: runner.token,
      description: runner.description,
      createdAt: runner.createdAt,
      deletedAt: at,
    });
    return runner;
  }

  linkRunner(projectId: number, runnerId: number): Runner {
    if (!this.projects.has(projectId)) throw notFound('Project Not Found');
    const runner = this.runners.get(runnerId);
    if (!runner) throw notFound('Runner Not Found');
    if (!runner.projectIds.has(projectId)) {
      runner.projectIds.add(projectId);
      runner.updatedAt = this.now();
    }
    return runner;
  }

  /** Removes the link; undefined when the runner was not linked to the project (or does not exist). */
  unlinkRunner(projectId: number, runnerId: number): Runner | undefined {
    const runner = this.runners.get(runnerId);
    if (!runner || !runner.projectIds.has(projectId)) return undefined;
    runner.projectIds.delete(projectId);
    runner.updatedAt = this.now();
    return runner;
  }

  // ---- commits and builds ------------------------------------------------------------------------

  /** Creates the commit of a push with its pending builds; the same sha and ref are never created twice. */
  createCommit(project: Project, push: PushInput): { commit: Commit; created: boolean } {
    const isTag = push.ref.startsWith('refs/tags/');
    const ref = push.ref.replace(/^refs\/(heads|tags)\//, '');
    const key = `${push.sha}\0${ref}`;
    const existing = project.commitIndex.get(key);
    if (existing) return { commit: existing, created: false };
    // Parse the configuration before anything is created: an invalid one creates nothing.
    const jobs: JobSpec[] = push.ciYamlFile !== undefined ? jobsFromCiYaml(push.ciYamlFile, ref, isTag) : [DEFAULT_JOB];
    const described = push.commits.find((c) => c.id === push.sha) ?? push.commits[push.commits.length - 1];
    const at = this.now();
    const commit: Commit = {
      id: this.id('commit', undefined),
      projectId: project.id,
      ref,
      isTag,
      sha: push.sha,
      beforeSha: push.before,
      message: described?.message ?? null,
      authorName: described?.authorName ?? null,
      authorEmail: described?.authorEmail ?? null,
      createdAt: at,
      builds: [],
    };
    for (const job of jobs) {
      const build: Build = {
        id: this.id('build', this.builds),
        projectId: project.id,
        commit,
        name: job.name,
        stage: job.stage,
        commands: job.commands,
        tags: job.tags,
        allowFailure: job.allowFailure,
        options: job.options,
        variables: job.variables,
        status: 'pending',
        trace: '',
        runnerId: null,
        coverage: null,
        createdAt: at,
        updatedAt: at,
        startedAt: null,
        finishedAt: null,
      };
      commit.builds.push(build);
      this.builds.set(build.id, build);
      this.pending.set(build.id, build);
    }
    project.commits.push(commit);
    project.commitIndex.set(key, commit);
    return { commit, created: true };
  }

  /** A page of the project's commits, newest first (page is 1-based). */
  listCommits(project: Project, page: number, perPage: number): Commit[] {
    const total = project.commits.length;
    const out: Commit[] = [];
    const start = (page - 1) * perPage;
    for (let i = start; i < start + perPage && i < total; i++) out.push(project.commits[total - 1 - i]);
    return out;
  }

  /**
   * Hands the oldest pending build this runner may run to it and marks it running; undefined when none.
   * Selection and assignment are one synchronous step: no build goes to two runners asking at once.
   */
  requestBuild(runner: Runner, info?: RunnerInfo): Build | undefined {
    runner.contactedAt = this.now();
    if (info) runner.info = { ...runner.info, ...info };
    for (const build of this.pending.values()) {
      if (!runner.isShared && !runner.projectIds.has(build.projectId)) continue;
      if (!build.tags.every((t) => runner.tags.includes(t))) continue;
      return this.assignBuild(runner, build);
    }
    return undefined;
  }

  private assignBuild(runner: Runner, build: Build): Build {
    const at = this.now();
    this.pending.delete(build.id);
    build.status = 'running';
    build.runnerId = runner.id;
    build.startedAt = at;
    build.updatedAt = at;
    return build;
  }

  /** The running build assigned to this runner; undefined for any other build. */
  assignedBuild(runner: Runner, buildId: number): Build | undefined {
    const build = this.builds.get(buildId);
    return build && build.status === 'running' && build.runnerId === runner.id ? build : undefined;
  }

  /** Updates trace and state of a running build assigned to the runner. */
  updateBuild(runner: Runner, buildId: number, update: { state?: string; trace?: string }, leniency: Leniency = {}): Build {
    const build = this.assignedBuild(runner, buildId);
    if (!build) throw notFound();
    if (update.state !== undefined && !(BUILD_STATES as readonly string[]).includes(update.state) && !leniency.unknownBuildStates) {
      throw unprocessable(`state must be one of ${BUILD_STATES.join(', ')}`);
    }
    const at = this.now();
    runner.contactedAt = at;
    if (update.trace !== undefined) build.trace = update.trace;
    if (update.state === 'success' || update.state === 'failed') {
      build.status = update.state;
      build.finishedAt = at;
    }
    build.updatedAt = at;
    return build;
  }

  /** Status, finish time and duration of a commit, derived from its builds. */
  commitState(commit: Commit): CommitState {
    const builds = commit.builds;
    if (builds.length === 0) return { status: 'skipped', finishedAt: null, duration: null };
    const count = (s: BuildStatus): number => builds.filter((b) => b.status === s).length;
    const finished = builds.filter((b) => b.finishedAt !== null || b.status === 'canceled');
    if (finished.length < builds.length) {
      const status: CommitStatus = count('pending') === builds.length ? 'pending' : 'running';
      return { status, finishedAt: null, duration: null };
    }
    let status: CommitStatus = 'success';
    if (builds.some((b) => b.status === 'failed' && !b.allowFailure)) status = 'failed';
    else if (count('canceled') === builds.length) status = 'canceled';
    let finishedAt = '';
    let duration = 0;
    for (const b of builds) {
      if (b.finishedAt && b.finishedAt > finishedAt) finishedAt = b.finishedAt;
      if (b.finishedAt && b.startedAt) duration += (Date.parse(b.finishedAt) - Date.parse(b.startedAt)) / 1000;
    }
    return { status, finishedAt: finishedAt || null, duration };
  }

  // ---- inspection ---------------------------------------------------------------------------------

  /** Everything the store holds (live records; deleted runners' tombstones are not resources), as plain data. */
  snapshot(): StoreSnapshot {
    const projects = [...this.projects.values()]
      .sort((a, b) => a.id - b.id)
      .map(({ commits, commitIndex: _index, ...project }) => ({
        ...project,
        commits: commits.map(({ builds, ...commit }) => ({ ...commit, builds: builds.map(({ commit: _c, ...build }) => structuredClone(build)) })),
      }));
    const runners = [...this.runners.values()]
      .sort((a, b) => a.id - b.id)
      .map(({ projectIds, ...runner }) => ({ ...structuredClone(runner), projectIds: [...projectIds].sort((a, b) => a - b) }));
    return structuredClone({ projects, runners, pendingBuildIds: [...this.pending.keys()] });
  }
}
