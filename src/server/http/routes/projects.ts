// Projects API (user token & GitLab url): list, owned, single, create, update, delete, link/unlink runner.
import type { ServerContext } from '../../context';
import type { ProjectInput } from '../../domain';
import { requireRight, type UserSession } from '../credentials';
import { decided, type Reply } from '../errors';
import { optionalInt, optionalString, requiredInt, requiredString, requirePresent } from '../params';
import { defineRoute, type Route, type RouteRequest } from '../route';
import { projectView, runnerView } from '../views';

/** The CI projects of the GitLab projects the user can access (or owns). */
async function projectsOf(ctx: ServerContext, session: UserSession, owned: boolean): Promise<Reply> {
  const ids = await ctx.identity.projectIds(session.token, owned);
  return { status: 200, body: ctx.store.projectsForGitlabIds(ids).map((p) => projectView(ctx, p)) };
}

function newProject({ body }: RouteRequest): ProjectInput {
  requirePresent(body, ['name', 'gitlab_id', 'path', 'ssh_url_to_repo']);
  return {
    name: requiredString(body, 'name'),
    gitlabId: requiredInt(body, 'gitlab_id'),
    path: requiredString(body, 'path'),
    sshUrlToRepo: requiredString(body, 'ssh_url_to_repo'),
    defaultRef: optionalString(body, 'default_ref'),
  };
}

function projectChanges({ body }: RouteRequest): Partial<ProjectInput> {
  return {
    name: optionalString(body, 'name'),
    gitlabId: optionalInt(body, 'gitlab_id'),
    path: optionalString(body, 'path'),
    sshUrlToRepo: optionalString(body, 'ssh_url_to_repo'),
    defaultRef: optionalString(body, 'default_ref'),
  };
}

export const projectRoutes: Route[] = [
  defineRoute({
    operationId: 'listProjects',
    method: 'GET',
    template: '/projects',
    user: true,
    handle: ({ ctx, session }) => projectsOf(ctx, session, false),
  }),
  defineRoute({
    operationId: 'listOwnedProjects',
    method: 'GET',
    template: '/projects/owned',
    user: true,
    handle: ({ ctx, session }) => projectsOf(ctx, session, true),
  }),
  defineRoute({
    operationId: 'createProject',
    method: 'POST',
    template: '/projects',
    user: true,
    body: true,
    input: newProject,
    async handle({ ctx, session, input }) {
      await requireRight(ctx, session, 'manage', input.gitlabId);
      return { status: 201, body: projectView(ctx, ctx.store.createProject(input, ctx.behaviour.leniency('createProject'))) };
    },
  }),
  defineRoute({
    operationId: 'getProject',
    method: 'GET',
    template: '/projects/{id}',
    user: true,
    load: 'project',
    right: 'access',
    handle: ({ ctx, project }) => ({ status: 200, body: projectView(ctx, project) }),
  }),
  defineRoute({
    operationId: 'updateProject',
    method: 'PUT',
    template: '/projects/{id}',
    user: true,
    load: 'project',
    right: 'manage',
    body: true,
    input: projectChanges,
    async handle({ ctx, session, project, input }) {
      // Moving the CI project to another GitLab project needs the right to manage that one too.
      if (input.gitlabId !== undefined && input.gitlabId !== project.gitlabId) await requireRight(ctx, session, 'manage', input.gitlabId);
      return { status: 200, body: projectView(ctx, ctx.store.updateProject(project.id, input, ctx.behaviour.leniency('updateProject'))) };
    },
  }),
  defineRoute({
    operationId: 'deleteProject',
    method: 'DELETE',
    template: '/projects/{id}',
    user: true,
    load: 'project-if-any',
    right: 'manage',
    handle({ ctx, req, project }) {
      const deleted = project && ctx.store.deleteProject(project.id);
      if (deleted) return { status: 200, body: projectView(ctx, deleted) };
      // DELETE is idempotent: nothing there (any more) is success too.
      return decided('nothingToDelete', { message: `Project ${req.pathParams.id} does not exist (any more): nothing to delete` });
    },
  }),
  defineRoute({
    operationId: 'linkRunner',
    method: 'POST',
    template: '/projects/{id}/runners/{runner_id}',
    user: true,
    load: 'project',
    notFound: 'Project Not Found',
    right: 'manage',
    handle: ({ ctx, req, project }) => ({ status: 201, body: runnerView(ctx.store.linkRunner(project.id, req.ids.runner_id)) }),
  }),
  defineRoute({
    operationId: 'unlinkRunner',
    method: 'DELETE',
    template: '/projects/{id}/runners/{runner_id}',
    user: true,
    load: 'project-if-any',
    right: 'manage',
    handle({ ctx, req, project }) {
      const runner = project && ctx.store.unlinkRunner(project.id, req.ids.runner_id);
      if (runner) return { status: 200, body: runnerView(runner) };
      const { id, runner_id } = req.pathParams;
      return decided('nothingToDelete', { message: `Runner ${runner_id} is not linked to project ${id}: nothing to remove` });
    },
  }),
];
