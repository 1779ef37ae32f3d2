// The provider states of the Pact contracts, set up THROUGH THE API of the target with the typed
// clients (no back door: the target is a black box). Each handler answers the values the replayed
// request needs (ids, tokens) for `fromProviderState`; everything a state or a replayed request created
// is recorded in the interaction's Scope and removed, newest first, when the interaction ends.
//
// Every state also provides `privateToken` and `gitlabUrl`: the user the run acts as (authentication #1).
import crypto from 'node:crypto';
import { ApiError, DashboardClient, GitlabClient, RunnerClient, type PushData } from '../clients';
import type { Transport } from '../http/types';
import type { Ledger, Resource } from '../state/ledger';

export type StateValues = Record<string, unknown>;
export type StateParams = Record<string, unknown>;

/** Something created on the target, to be removed when the interaction ends. */
export type Created = Resource;

export interface StateEnvironment {
  api: Transport;
  privateToken: string;
  gitlabUrl: string;
  registrationToken?: string;
  /** Put into names and tags of everything created, so that a run only ever touches its own things. */
  runId: string;
  /** Hands out a GitLab project id the user manages that has no CI project; undefined when none is free. */
  takeGitlabId(): number | undefined;
  releaseGitlabId(id: number): void;
  /** Told about every token the states come to know, for redaction. */
  onSecret(secret: string): void;
  /** The run's ledger, when part of a run: what the states create is also removed by the run's sweep. */
  ledger?: Pick<Ledger, 'created' | 'removed'>;
}

/** What one interaction set up: its values so far, what it created, the GitLab ids it holds. */
export class Scope {
  readonly values: StateValues;
  readonly created: Created[] = [];
  readonly heldGitlabIds: number[] = [];
  readonly states: string[] = [];
  /** The first state that could not be set up, with the reason (no secret in it). */
  failure?: string;

  constructor(
    base: StateValues,
    private readonly onCreated: (resource: Created) => void = () => undefined,
  ) {
    this.values = { ...base };
  }

  add(resource: Created): void {
    this.created.push(resource);
    this.onCreated(resource);
  }
}

export interface StateHandler {
  setup(env: StateEnvironment, scope: Scope, params: StateParams): Promise<StateValues | void>;
}

const NAMES = {
  registrationToken: 'the runners registration token is known',
  project: 'a CI project exists',
  freeGitlabProject: 'a GitLab project without a CI project exists',
  runner: 'a runner is registered for the project',
  otherRunner: 'a runner of another CI project exists',
  pushed: 'a commit with a pending build was pushed to the project',
  running: 'the runner is running the build',
  finished: 'the build has finished',
  runnerDeleted: 'the runner has been deleted',
} as const;

export const STATE_NAMES = NAMES;

/** States whose interactions need the runners registration token. */
export const NEEDS_REGISTRATION_TOKEN = new Set<string>([NAMES.registrationToken]);

export const stateHandlers: Record<string, StateHandler> = {
  // An interaction without a provider state.
  '': { setup: async () => undefined },

  [NAMES.registrationToken]: {
    async setup(env) {
      if (!env.registrationToken) throw new Error('no runners registration token is configured');
      return { registrationToken: env.registrationToken };
    },
  },

  [NAMES.project]: {
    async setup(env, scope, params) {
      const project = await createProject(env, scope, typeof params.default_ref === 'string' ? params.default_ref : 'master');
      return { projectId: project.id, projectToken: project.token, projectGitlabId: project.gitlabId, projectName: project.name };
    },
  },

  [NAMES.freeGitlabProject]: {
    async setup(env, scope) {
      // The replayed request attaches a CI project to this id: it must be free right now, not only when
      // the run found it (another run against the same target may use it meanwhile; it is then skipped).
      const inUse = new Set((await new DashboardClient(env.api, { privateToken: env.privateToken, gitlabUrl: env.gitlabUrl }).listProjects()).map((p) => p.gitlab_id));
      for (let id = holdGitlabId(env, scope); ; id = holdGitlabId(env, scope)) {
        if (!inUse.has(id)) return { freeGitlabId: id, freeName: uniqueName(env, 'project') };
        scope.heldGitlabIds.splice(scope.heldGitlabIds.indexOf(id), 1);
      }
    },
  },

  [NAMES.runner]: {
    async setup(env, scope, params) {
      const projectToken = need<string>(scope, 'projectToken', NAMES.project);
      const runner = await registerRunner(env, scope, projectToken, runTag(env, params.tag_list));
      return { runnerId: runner.id, runnerToken: runner.token };
    },
  },

  [NAMES.otherRunner]: {
    async setup(env, scope) {
      const other = await createProject(env, scope, 'master');
      const runner = await registerRunner(env, scope, other.token, runTag(env, 'pact'));
      return { otherRunnerId: runner.id };
    },
  },

  [NAMES.pushed]: {
    async setup(env, scope, params) {
      const projectId = need<number>(scope, 'projectId', NAMES.project);
      const projectToken = need<string>(scope, 'projectToken', NAMES.project);
      const ref = typeof params.ref === 'string' ? params.ref : 'master';
      const commit = await gitlab(env).pushCommit(projectId, projectToken, pushData(env, ref, runTag(env, params.tags)));
      return { commitId: commit.id, commitSha: commit.sha };
    },
  },

  [NAMES.running]: {
    async setup(env, scope) {
      const token = need<string>(scope, 'runnerToken', NAMES.runner);
      const answer = await new RunnerClient(env.api, { token }).requestBuild();
      if (answer.kind !== 'build') throw new Error(`the runner got no build (POST /builds/register: ${answer.kind})`);
      return { buildId: answer.build.id };
    },
  },

  [NAMES.finished]: {
    async setup(env, scope, params) {
      const token = need<string>(scope, 'runnerToken', NAMES.runner);
      const buildId = need<number>(scope, 'buildId', NAMES.running);
      const state = params.state === 'failed' ? 'failed' : 'success';
      const answer = await new RunnerClient(env.api, { token }).updateBuild(buildId, state, `$ make test\n${state}\n`);
      if (answer !== 'ok') throw new Error(`the runner could not finish build ${buildId} (PUT /builds/:id: ${answer})`);
      return undefined;
    },
  },

  [NAMES.runnerDeleted]: {
    async setup(env, scope) {
      const token = need<string>(scope, 'runnerToken', NAMES.runner);
      await new RunnerClient(env.api, { token }).delete();
      return undefined;
    },
  },
};

/**
 * Removes what the interaction created, newest first. Answers what could not be removed (described
 * without secrets). A 404 counts as removed, and so does a 403 for a runner deleted before.
 */
export async function removeCreated(env: StateEnvironment, scope: Scope): Promise<string[]> {
  const failures: string[] = [];
  const stuckGitlabIds = new Set<number>();
  for (const resource of [...scope.created].reverse()) {
    const error = await remove(env, resource);
    if (error === undefined) {
      env.ledger?.removed(resource);
      continue;
    }
    failures.push(`could not remove ${describe(resource)}: ${error}`);
    if (resource.kind === 'project' && resource.gitlabId !== undefined) stuckGitlabIds.add(resource.gitlabId);
  }
  // A GitLab id whose CI project could not be removed stays out of the pool.
  for (const id of scope.heldGitlabIds) if (!stuckGitlabIds.has(id)) env.releaseGitlabId(id);
  scope.created.length = 0;
  scope.heldGitlabIds.length = 0;
  return failures;
}

async function remove(env: StateEnvironment, resource: Created): Promise<string | undefined> {
  try {
    if (resource.kind === 'link') await gitlab(env).unlinkRunner(resource.projectId, resource.runnerId);
    else if (resource.kind === 'runner') await new RunnerClient(env.api, { token: resource.token }).delete();
    else await gitlab(env).deleteProject(resource.id);
    return undefined;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || (error.status === 403 && resource.kind === 'runner'))) return undefined;
    return error instanceof Error ? error.message : String(error);
  }
}

function describe(resource: Created): string {
  if (resource.kind === 'project') return `CI project ${resource.id}`;
  if (resource.kind === 'runner') return `runner ${resource.id ?? '(id unknown)'}`;
  return `link of runner ${resource.runnerId} to project ${resource.projectId}`;
}

function gitlab(env: StateEnvironment): GitlabClient {
  return new GitlabClient(env.api, { privateToken: env.privateToken, gitlabUrl: env.gitlabUrl });
}

function holdGitlabId(env: StateEnvironment, scope: Scope): number {
  const id = env.takeGitlabId();
  if (id === undefined) throw new Error('no free GitLab project for a CI project (all configured ids are in use)');
  scope.heldGitlabIds.push(id);
  return id;
}

async function createProject(env: StateEnvironment, scope: Scope, defaultRef: string): Promise<{ id: number; token: string; gitlabId: number; name: string }> {
  for (let attempt = 1; ; attempt += 1) {
    const gitlabId = holdGitlabId(env, scope);
    const name = uniqueName(env, 'project');
    try {
      const project = await gitlab(env).createProject({
        name,
        gitlab_id: gitlabId,
        path: `conformance/${name}`,
        ssh_url_to_repo: `git@gitlab.example:conformance/${name}.git`,
        default_ref: defaultRef,
      });
      scope.add({ kind: 'project', id: project.id, gitlabId });
      env.onSecret(project.token);
      return { id: project.id, token: project.token, gitlabId, name };
    } catch (error) {
      // 409: another client (a second run at once) took that GitLab project; it is not given back.
      if (!(error instanceof ApiError && error.status === 409) || attempt >= 3) throw error;
      scope.heldGitlabIds.splice(scope.heldGitlabIds.indexOf(gitlabId), 1);
    }
  }
}

async function registerRunner(env: StateEnvironment, scope: Scope, projectToken: string, tag: string): Promise<{ id: number; token: string }> {
  // Always a runner specific to a project of this run (never a shared one: on staging it would take
  // other people's builds), tagged with a run-unique tag so that it only ever gets this run's builds.
  const runner = await new RunnerClient(env.api).register({ token: projectToken, description: uniqueName(env, 'runner'), tags: [tag] });
  scope.add({ kind: 'runner', id: runner.id, token: runner.token });
  env.onSecret(runner.token);
  return runner;
}

/** The run-unique form of a tag named in a state's params (`pact` -> `pact-<runId>`). */
function runTag(env: StateEnvironment, tag: unknown): string {
  return `${typeof tag === 'string' && tag ? tag : 'pact'}-${env.runId}`;
}

function uniqueName(env: StateEnvironment, what: string): string {
  return `pact-${env.runId}-${what}-${crypto.randomBytes(3).toString('hex')}`;
}

function need<T>(scope: Scope, key: string, state: string): T {
  const value = scope.values[key];
  if (value === undefined) throw new Error(`needs the state "${state}" before it`);
  return value as T;
}

function pushData(env: StateEnvironment, ref: string, tag: string): PushData {
  const sha = crypto.randomBytes(20).toString('hex');
  return {
    before: '0000000000000000000000000000000000000000',
    after: sha,
    ref: `refs/heads/${ref}`,
    user_name: 'Conformance Suite',
    user_email: 'conformance@example.com',
    commits: [
      {
        id: sha,
        message: `pact verification ${env.runId}\n`,
        timestamp: new Date(0).toISOString(),
        url: `http://gitlab.example/conformance/commit/${sha}`,
        author: { name: 'Conformance Suite', email: 'conformance@example.com' },
      },
    ],
    total_commits_count: 1,
    ci_yaml_file: `pact:\n  script: "make test"\n  tags: [${tag}]\n`,
  };
}
