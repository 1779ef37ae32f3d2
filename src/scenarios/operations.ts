// Everything the suite knows about one operation beyond what the description says, in one table keyed
// by operationId: how to arrange a valid request, what its path ids name, which value is invalid for a
// 422, which user answers 403, and how to provoke a documented status the generic way cannot. Generic
// code (src/derive, ./families.ts) reads this table and never branches on an operationId.
// test/scenarios/operations.test.ts checks the keys and entries against the description.
//
// A new operation: one entry here (the test names what it lacks).
import type { ApiRequest } from '../http/types';
import type { GenerationKnowledge } from '../properties/valid-input';
import type { Operation } from '../spec/types';
import type { ProjectHandle, Scope } from '../state/fixtures';
import type { World } from '../state/world';
import { commitsOf, fillPath, getProjectRequest, NO_SUCH_PROJECT, prepared, projectReadBack, projectToken, readOf, runnerToken, type Arrangement, type JudgedBy, type Prepared } from './arrange';
import type { CaseContext } from './context';

/** What a path parameter names: an unknown id is confirmed unknown per kind before it is sent. */
export type IdKind = 'project' | 'runner' | 'build';

/**
 * A documented status provoked in a way of its own: the rule whose case that way is (a check of the
 * answer follows that case's expectation under a profile), and what sends what must come first and
 * answers the request that makes the operation answer the status.
 */
export interface Provoke {
  by: string;
  /** The case of that rule, where it has several. */
  variant?: string;
  send: (ctx: CaseContext, prepared: Prepared) => Promise<ApiRequest>;
}

export interface OperationKnowledge {
  /** A fresh valid request of the operation. */
  arrange: Arrangement;
  /** Every path parameter and what it names. */
  ids?: Record<string, IdKind>;
  /** What a 422 check (UNPROCESSABLE-422, a documented 422) puts into a field in place of a valid value. */
  invalid?: { field: string; value: unknown };
  /** For an operation a user calls: who answers the documented 403 (sees but may not manage, or cannot see). */
  forbiddenUser?: 'developer' | 'outsider';
  /** Documented statuses the generic way (src/scenarios/families.ts `provoke`) cannot provoke. */
  provoke?: Partial<Record<number, Provoke>>;
  /**
   * For GENERATED-VALID-ACCEPTED: what stays as arranged (ids, what must be unique, what would make builds
   * for other runners) and what keeps the arranged value as its prefix (the run's names).
   */
  generation?: GenerationKnowledge;
}

/** A fresh runner of the run's second project, to link to the shared one. */
async function linkableRunner(world: World, scope: Scope) {
  return scope.registerRunner(await world.otherProject());
}

/** A runner asking for a build: what a runner no longer linked to a project with a pending build gets. */
const NOTHING_TO_BUILD: JudgedBy = { rule: 'BUILD-REGISTER-NOTHING-404', operationId: 'requestBuild' };
/** A deleted runner's token asking for a build. */
const RUNNER_DELETED: JudgedBy = { rule: 'AUTH-RUNNER-DELETED-403', operationId: 'requestBuild' };

/** A read-back that finds a build of the project in the given status. */
function buildShown(project: ProjectHandle, buildId: () => unknown, status: string) {
  return () => ({
    request: commitsOf(project),
    judgedBy: readOf('listCommits'),
    finds: (answer: unknown) => {
      const builds = Array.isArray(answer) ? answer.flatMap((c: { builds?: unknown[] }) => c.builds ?? []) : [];
      const found = builds.find((b) => (b as { id?: unknown }).id === buildId()) as { status?: unknown } | undefined;
      return found?.status === status ? undefined : `GET /commits shows the build as ${JSON.stringify(found?.status ?? 'missing')}, not ${status}`;
    },
  });
}

/**
 * The 404 of an idempotent DELETE: a path id outside the id range (x-id-range) names no resource; an unknown
 * id in range answers 200.
 */
const idOutOfRange: Provoke = {
  by: 'HOSTILE-INPUT-REJECTED',
  variant: 'path:id',
  send: async (_ctx, prepared) => ({ ...prepared.request, path: fillPath(prepared.pathTemplate, { ...prepared.pathParams, id: 0 }) }),
};

/** The name a 422 refuses for a project. */
const EMPTY_NAME = { field: 'name', value: '' };

export const OPERATIONS = {
  listProjects: { arrange: async (world) => prepared(world, 'GET', '/projects', {}, {}) },
  listOwnedProjects: { arrange: async (world) => prepared(world, 'GET', '/projects/owned', {}, {}) },

  getProject: {
    ids: { id: 'project' },
    // A developer may see the project: only a user without access is refused.
    forbiddenUser: 'outsider',
    arrange: async (world) => prepared(world, 'GET', '/projects/{id}', { id: (await world.sharedProject()).id }, {}),
  },

  createProject: {
    invalid: EMPTY_NAME,
    generation: { fixed: ['gitlab_id'], prefixed: ['name'] },
    forbiddenUser: 'developer',
    arrange: async (world, scope) => {
      const body = world.fixtures.projectBody(await scope.reserveGitlabId());
      return prepared(world, 'POST', '/projects', {}, { body, reflects: body, readBack: projectReadBack(world, () => body.name) });
    },
  },

  updateProject: {
    ids: { id: 'project' },
    invalid: EMPTY_NAME,
    generation: { fixed: ['gitlab_id'], prefixed: ['name'] },
    forbiddenUser: 'developer',
    arrange: async (world, scope) => {
      const project = await scope.createProject();
      const body = { name: world.uniqueName('renamed'), default_ref: 'conformance' };
      return prepared(world, 'PUT', '/projects/{id}', { id: project.id }, { body, reflects: body, readBack: projectReadBack(world, () => body.name) });
    },
  },

  deleteProject: {
    ids: { id: 'project' },
    forbiddenUser: 'developer',
    provoke: { 404: idOutOfRange },
    arrange: async (world, scope) => {
      const project = await scope.createProject();
      return prepared(world, 'DELETE', '/projects/{id}', { id: project.id }, {
        gone: async () => ({ request: getProjectRequest(world, project.id), judgedBy: NO_SUCH_PROJECT, what: 'GET of the deleted project' }),
      });
    },
  },

  linkRunner: {
    ids: { id: 'project', runner_id: 'runner' },
    forbiddenUser: 'developer',
    arrange: async (world, scope) => {
      const [project, runner] = await Promise.all([world.sharedProject(), linkableRunner(world, scope)]);
      return prepared(world, 'POST', '/projects/{id}/runners/{runner_id}', { id: project.id, runner_id: runner.id }, { reflects: { id: runner.id } });
    },
  },

  unlinkRunner: {
    ids: { id: 'project', runner_id: 'runner' },
    forbiddenUser: 'developer',
    provoke: { 404: idOutOfRange },
    arrange: async (world, scope) => {
      const [project, runner] = await Promise.all([world.sharedProject(), linkableRunner(world, scope)]);
      await scope.linkRunner(project, runner);
      return prepared(world, 'DELETE', '/projects/{id}/runners/{runner_id}', { id: project.id, runner_id: runner.id }, {
        // Once unlinked, the runner must not receive the project's builds any more (its own project has
        // none): the project gets a pending build it could take if it were still linked.
        gone: async () => {
          await scope.pushCommit(project);
          return {
            request: { method: 'POST', path: '/builds/register', body: { token: runner.token } },
            judgedBy: NOTHING_TO_BUILD,
            what: 'the unlinked runner asking for a build of the project (which has a pending one)',
          };
        },
      });
    },
  },

  listRunners: { arrange: async (world) => prepared(world, 'GET', '/runners', {}, {}) },

  registerRunner: {
    generation: {},
    arrange: async (world) => {
      const project = await world.sharedProject();
      const body = { token: project.token, description: world.uniqueName('runner'), tag_list: world.buildTag };
      return prepared(world, 'POST', '/runners/register', {}, {
        user: false,
        body,
        credentials: [
          { method: 'registration', location: 'body', name: 'token' },
          { method: 'project', location: 'body', name: 'token' },
        ],
        readBack: (created) => ({
          request: { method: 'GET', path: '/runners', ...world.userAuth() },
          judgedBy: readOf('listRunners'),
          finds: (answer) =>
            Array.isArray(answer) && answer.some((r: { id?: unknown }) => r.id === (created as { id?: unknown }).id)
              ? undefined
              : 'GET /runners does not list the new runner',
        }),
      });
    },
  },

  deleteRunner: {
    arrange: async (world, scope) => {
      const runner = await scope.registerRunner(await world.sharedProject());
      return prepared(world, 'DELETE', '/runners/delete', {}, {
        user: false,
        body: { token: runner.token },
        credentials: runnerToken(),
        gone: async () => ({
          request: { method: 'POST', path: '/builds/register', body: { token: runner.token } },
          judgedBy: RUNNER_DELETED,
          what: "the deleted runner's token asking for a build",
        }),
      });
    },
  },

  listCommits: {
    generation: { fixed: ['project_id'] },
    arrange: async (world) => {
      const project = await world.sharedProject();
      await world.sharedCommit();
      return prepared(world, 'GET', '/commits', {}, {
        user: false,
        query: { project_id: project.id, project_token: project.token },
        credentials: projectToken('query'),
      });
    },
  },

  createCommit: {
    // The pushed sha must be new and its .gitlab-ci.yml must tag the build for the run's runners only.
    generation: { fixed: ['project_id', 'data.after', 'data.checkout_sha', 'data.ci_yaml_file'] },
    // The repeat of an existing commit is what answers 200.
    provoke: {
      200: {
        by: 'COMMIT-NOT-DUPLICATED',
        send: async (ctx, prepared) => {
          await ctx.send(prepared.request);
          return prepared.request;
        },
      },
    },
    arrange: async (world) => {
      const project = await world.sharedProject();
      const data = world.fixtures.pushData();
      return prepared(world, 'POST', '/commits', {}, {
        user: false,
        body: { project_id: project.id, project_token: project.token, data },
        credentials: projectToken('body'),
        reflects: { sha: data.after, project_id: project.id },
        readBack: (created) => ({
          request: commitsOf(project),
          judgedBy: readOf('listCommits'),
          finds: (answer) =>
            Array.isArray(answer) && answer.some((c: { id?: unknown }) => c.id === (created as { id?: unknown }).id)
              ? undefined
              : 'GET /commits does not list the new commit',
        }),
      });
    },
  },

  requestBuild: {
    generation: {},
    // 404 is "nothing to build": a runner of a project without pending builds asks.
    provoke: {
      404: {
        by: 'BUILD-REGISTER-NOTHING-404',
        send: async (ctx) => {
          const runner = await ctx.scope.registerRunner(await ctx.scope.createProject());
          return { method: 'POST', path: '/builds/register', body: { token: runner.token } };
        },
      },
    },
    arrange: async (world, scope) => {
      const project = await scope.createProject();
      const [runner, commit] = await Promise.all([scope.registerRunner(project), scope.pushCommit(project)]);
      return prepared(world, 'POST', '/builds/register', {}, {
        user: false,
        body: { token: runner.token },
        credentials: runnerToken(),
        reflects: { project_id: project.id, sha: commit.sha },
        readBack: (build) => buildShown(project, () => (build as { id?: unknown }).id, 'running')(),
      });
    },
  },

  updateBuild: {
    ids: { id: 'build' },
    generation: {},
    invalid: { field: 'state', value: 'exploded' },
    arrange: async (world, scope) => {
      const { project, runner, buildId } = await scope.runningBuild();
      const body = { token: runner.token, state: 'success', trace: `conformance trace ${world.config.runId}` };
      return prepared(world, 'PUT', '/builds/{id}', { id: buildId }, {
        user: false,
        body,
        credentials: runnerToken(),
        reflects: { id: buildId, status: 'success' },
        readBack: buildShown(project, () => buildId, 'success'),
      });
    },
  },

  createFork: {
    forbiddenUser: 'developer',
    generation: { fixed: ['project_id', 'data.id'], prefixed: ['data.name_with_namespace'] },
    arrange: async (world, scope) => {
      const source = await world.sharedProject();
      const forkId = await scope.reserveGitlabId();
      const name = world.uniqueName('fork');
      const data = {
        id: forkId,
        name_with_namespace: `Conformance / ${name}`,
        path_with_namespace: `conformance/${name}`,
        default_branch: 'master',
        ssh_url_to_repo: `git@gitlab.example:conformance/${name}.git`,
      };
      return prepared(world, 'POST', '/forks', {}, {
        body: { project_id: source.gitlabId, project_token: source.token, data },
        credentials: [{ method: 'project', location: 'body', name: 'project_token' }],
        reflects: { name: data.name_with_namespace, gitlab_id: forkId },
        readBack: projectReadBack(world, () => data.name_with_namespace),
      });
    },
  },
} satisfies Record<string, OperationKnowledge>;

/** The table's entry of an operation of the description (every one has an entry: see the test). */
export function knowledgeOf(operationId: string): OperationKnowledge {
  const entry = (OPERATIONS as Record<string, OperationKnowledge>)[operationId];
  if (!entry) throw new Error(`src/scenarios/operations.ts has no entry for the operation ${operationId}`);
  return entry;
}

/** The value a 422 of the operation puts into a field; throws when the table has none (nothing passes by default). */
export function invalidValueOf(op: Pick<Operation, 'operationId'>): { field: string; value: unknown } {
  const invalid = knowledgeOf(op.operationId).invalid;
  if (!invalid) throw new Error(`src/scenarios/operations.ts gives no invalid value for ${op.operationId}`);
  return invalid;
}

/** Who answers the documented 403 of an operation a user calls; throws when the table does not say. */
export function forbiddenUserOf(op: Pick<Operation, 'operationId'>): 'developer' | 'outsider' {
  const who = knowledgeOf(op.operationId).forbiddenUser;
  if (!who) throw new Error(`src/scenarios/operations.ts does not say who answers 403 to ${op.operationId}`);
  return who;
}
