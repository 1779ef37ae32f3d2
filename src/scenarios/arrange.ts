// How to make one valid request of each operation from the run's state: the starting point every
// scenario then breaks in exactly one way. Each arrangement also says what a success should show
// (fields that must reflect the input) and how to read the result back or see it gone.
import type { ApiRequest } from '../http/types';
import type { AuthMethod } from '../spec/types';
import type { ProjectHandle, RunnerHandle, Scope, World } from '../state/world';

export interface Credential {
  method: AuthMethod;
  location: 'query' | 'body';
  name: string;
}

export interface Prepared {
  request: ApiRequest;
  pathTemplate: string;
  pathParams: Record<string, number>;
  /** CI-token credentials and where they travel (the user token always travels as method #1 says). */
  credentials: Credential[];
  /** Top-level fields of the success body that must equal what was sent. */
  reflects?: Record<string, unknown>;
  /** A request that must find the created or modified resource, and how to recognise it in the answer. */
  readBack?: (body: unknown) => { request: ApiRequest; finds: (answer: unknown) => string | undefined };
  /** After a successful DELETE: a request whose answer shows the resource is gone. */
  gone?: () => Promise<{ request: ApiRequest; expect: number[]; what: string }>;
}

export type Arrangement = (world: World, scope: Scope) => Promise<Prepared>;

export function fillPath(template: string, params: Record<string, number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name]));
}

function prepared(
  world: World,
  method: string,
  pathTemplate: string,
  pathParams: Record<string, number>,
  rest: Partial<Omit<Prepared, 'request' | 'pathTemplate' | 'pathParams'>> & { body?: unknown; query?: ApiRequest['query']; user?: boolean },
): Prepared {
  const auth = rest.user === false ? {} : world.userAuth();
  return {
    request: {
      method,
      path: fillPath(pathTemplate, pathParams),
      query: { ...auth.query, ...rest.query },
      headers: auth.headers,
      body: rest.body,
    },
    pathTemplate,
    pathParams,
    credentials: rest.credentials ?? [],
    reflects: rest.reflects,
    readBack: rest.readBack,
    gone: rest.gone,
  };
}

const runnerToken = (): Credential[] => [{ method: 'runner', location: 'body', name: 'token' }];
const projectToken = (location: 'query' | 'body'): Credential[] => [{ method: 'project', location, name: 'project_token' }];

function getProjectRequest(world: World, id: number): ApiRequest {
  return { method: 'GET', path: `/projects/${id}`, ...world.userAuth() };
}

function projectReadBack(world: World, expectedName: (body: Record<string, unknown>) => unknown) {
  return (body: unknown) => {
    const b = body as Record<string, unknown>;
    return {
      request: getProjectRequest(world, Number(b.id)),
      finds: (answer: unknown) => {
        const a = answer as Record<string, unknown> | undefined;
        return a?.name === expectedName(b) ? undefined : `GET /projects/${String(b.id)} shows name ${JSON.stringify(a?.name)}`;
      },
    };
  };
}

function commitsOf(project: ProjectHandle): ApiRequest {
  return { method: 'GET', path: '/commits', query: { project_id: project.id, project_token: project.token, per_page: 100 } };
}

/** A fresh runner of the run's second project, to link to the shared one. */
async function linkableRunner(world: World, scope: Scope): Promise<RunnerHandle> {
  return world.registerRunner(await world.otherProject(), scope);
}

export const ARRANGEMENTS: Record<string, Arrangement> = {
  listProjects: async (world) => prepared(world, 'GET', '/projects', {}, {}),
  listOwnedProjects: async (world) => prepared(world, 'GET', '/projects/owned', {}, {}),
  getProject: async (world) => prepared(world, 'GET', '/projects/{id}', { id: (await world.sharedProject()).id }, {}),

  createProject: async (world, scope) => {
    const body = world.projectBody(await world.acquireGitlabId(scope));
    return prepared(world, 'POST', '/projects', {}, {
      body,
      reflects: body,
      readBack: projectReadBack(world, () => body.name),
    });
  },

  updateProject: async (world, scope) => {
    const project = await world.createProject(scope);
    const body = { name: world.uniqueName('renamed'), default_ref: 'conformance' };
    return prepared(world, 'PUT', '/projects/{id}', { id: project.id }, {
      body,
      reflects: body,
      readBack: projectReadBack(world, () => body.name),
    });
  },

  deleteProject: async (world, scope) => {
    const project = await world.createProject(scope);
    return prepared(world, 'DELETE', '/projects/{id}', { id: project.id }, {
      gone: async () => ({ request: getProjectRequest(world, project.id), expect: [404], what: 'GET of the deleted project' }),
    });
  },

  linkRunner: async (world, scope) => {
    const [project, runner] = await Promise.all([world.sharedProject(), linkableRunner(world, scope)]);
    return prepared(world, 'POST', '/projects/{id}/runners/{runner_id}', { id: project.id, runner_id: runner.id }, {
      reflects: { id: runner.id },
    });
  },

  unlinkRunner: async (world, scope) => {
    const [project, runner] = await Promise.all([world.sharedProject(), linkableRunner(world, scope)]);
    await world.linkRunner(project, runner, scope);
    return prepared(world, 'DELETE', '/projects/{id}/runners/{runner_id}', { id: project.id, runner_id: runner.id }, {
      // Once unlinked, the runner must not receive the project's builds any more (its own project has
      // none): the project gets a pending build it could take if it were still linked.
      gone: async () => {
        await world.pushCommit(project);
        return {
          request: { method: 'POST', path: '/builds/register', body: { token: runner.token } },
          expect: [404],
          what: 'the unlinked runner asking for a build of the project (which has a pending one)',
        };
      },
    });
  },

  listRunners: async (world) => prepared(world, 'GET', '/runners', {}, {}),

  registerRunner: async (world) => {
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
        finds: (answer) =>
          Array.isArray(answer) && answer.some((r: { id?: unknown }) => r.id === (created as { id?: unknown }).id)
            ? undefined
            : 'GET /runners does not list the new runner',
      }),
    });
  },

  deleteRunner: async (world, scope) => {
    const runner = await world.registerRunner(await world.sharedProject(), scope);
    return prepared(world, 'DELETE', '/runners/delete', {}, {
      user: false,
      body: { token: runner.token },
      credentials: runnerToken(),
      gone: async () => ({
        request: { method: 'POST', path: '/builds/register', body: { token: runner.token } },
        expect: [403],
        what: "the deleted runner's token asking for a build",
      }),
    });
  },

  listCommits: async (world) => {
    const project = await world.sharedProject();
    await world.sharedCommit();
    return prepared(world, 'GET', '/commits', {}, {
      user: false,
      query: { project_id: project.id, project_token: project.token },
      credentials: projectToken('query'),
    });
  },

  createCommit: async (world) => {
    const project = await world.sharedProject();
    const data = world.pushData();
    return prepared(world, 'POST', '/commits', {}, {
      user: false,
      body: { project_id: project.id, project_token: project.token, data },
      credentials: projectToken('body'),
      reflects: { sha: data.after, project_id: project.id },
      readBack: (created) => ({
        request: commitsOf(project),
        finds: (answer) =>
          Array.isArray(answer) && answer.some((c: { id?: unknown }) => c.id === (created as { id?: unknown }).id)
            ? undefined
            : 'GET /commits does not list the new commit',
      }),
    });
  },

  requestBuild: async (world, scope) => {
    const project = await world.createProject(scope);
    const [runner, commit] = await Promise.all([world.registerRunner(project, scope), world.pushCommit(project)]);
    return prepared(world, 'POST', '/builds/register', {}, {
      user: false,
      body: { token: runner.token },
      credentials: runnerToken(),
      reflects: { project_id: project.id, sha: commit.sha },
      readBack: (build) => ({
        request: commitsOf(project),
        finds: (answer) => {
          const builds = Array.isArray(answer) ? answer.flatMap((c: { builds?: unknown[] }) => c.builds ?? []) : [];
          const found = builds.find((b) => (b as { id?: unknown }).id === (build as { id?: unknown }).id) as { status?: unknown } | undefined;
          return found?.status === 'running' ? undefined : `GET /commits shows the build as ${JSON.stringify(found?.status ?? 'missing')}, not running`;
        },
      }),
    });
  },

  updateBuild: async (world, scope) => {
    const { project, runner, buildId } = await world.runningBuild(scope);
    const body = { token: runner.token, state: 'success', trace: `conformance trace ${world.config.runId}` };
    return prepared(world, 'PUT', '/builds/{id}', { id: buildId }, {
      user: false,
      body,
      credentials: runnerToken(),
      reflects: { id: buildId, status: 'success' },
      readBack: () => ({
        request: commitsOf(project),
        finds: (answer) => {
          const builds = Array.isArray(answer) ? answer.flatMap((c: { builds?: unknown[] }) => c.builds ?? []) : [];
          const found = builds.find((b) => (b as { id?: unknown }).id === buildId) as { status?: unknown } | undefined;
          return found?.status === 'success' ? undefined : `GET /commits shows the build as ${JSON.stringify(found?.status ?? 'missing')}`;
        },
      }),
    });
  },

  createFork: async (world, scope) => {
    const source = await world.sharedProject();
    const forkId = await world.acquireGitlabId(scope);
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
};
