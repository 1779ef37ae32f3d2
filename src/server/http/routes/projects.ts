// Projects API (user token & GitLab url): list, owned, single, create, update, delete, link/unlink runner.
import { hasFault } from '../../context';
import { authenticateUser, requireAccess, requireManage, requireReadableBody } from '../auth';
import { notFoundError } from '../errors';
import { optionalInt, optionalString, requiredInt, requiredString, requirePresent, pathId } from '../params';
import type { Route } from '../router';
import { projectView, runnerView } from '../views';

export const projectRoutes: Route[] = [
  {
    method: 'GET',
    template: '/projects',
    operationId: 'listProjects',
    async handler(ctx, req) {
      const session = await authenticateUser(ctx, req);
      const ids = await ctx.identity.projectIds(session.token, false);
      return { status: 200, body: ctx.store.projectsForGitlabIds(ids).map((p) => projectView(ctx, p)) };
    },
  },
  {
    method: 'GET',
    template: '/projects/owned',
    operationId: 'listOwnedProjects',
    async handler(ctx, req) {
      const session = await authenticateUser(ctx, req, hasFault(ctx, 'user-token-query-ignored-on-owned') ? ['header'] : undefined);
      const ids = await ctx.identity.projectIds(session.token, true);
      return { status: 200, body: ctx.store.projectsForGitlabIds(ids).map((p) => projectView(ctx, p)) };
    },
  },
  {
    method: 'POST',
    template: '/projects',
    operationId: 'createProject',
    async handler(ctx, req) {
      const session = await authenticateUser(ctx, req);
      requireReadableBody(req);
      const b = req.body;
      if (hasFault(ctx, 'ssh-url-not-required')) b.ssh_url_to_repo ??= '';
      if (hasFault(ctx, 'missing-name-500') && b.name === undefined) throw new TypeError("Cannot read properties of undefined (reading 'trim')");
      requirePresent(b, ['name', 'gitlab_id', 'path', 'ssh_url_to_repo']);
      const input = {
        name: requiredString(b, 'name'),
        gitlabId: requiredInt(b, 'gitlab_id'),
        path: requiredString(b, 'path'),
        sshUrlToRepo: requiredString(b, 'ssh_url_to_repo'),
        defaultRef: optionalString(b, 'default_ref'),
      };
      await requireManage(ctx, session, input.gitlabId);
      const created = ctx.store.createProject(input, { uniqueName: !hasFault(ctx, 'duplicate-names-allowed') });
      if (hasFault(ctx, 'create-project-answers-200')) return { status: 200, body: projectView(ctx, created) };
      return { status: 201, body: projectView(ctx, created) };
    },
  },
  {
    method: 'GET',
    template: '/projects/{id}',
    operationId: 'getProject',
    async handler(ctx, req) {
      if (hasFault(ctx, 'project-lookup-before-auth') && !ctx.store.getProject(pathId(req.pathParams.id) ?? NaN)) throw notFoundError();
      const session = await authenticateUser(ctx, req);
      const project = ctx.store.getProject(pathId(req.pathParams.id) ?? NaN);
      if (!project && hasFault(ctx, 'unknown-project-200-null')) return { status: 200, body: null };
      if (!project) throw notFoundError();
      if (!hasFault(ctx, 'project-access-unchecked')) await requireAccess(ctx, session, project.gitlabId);
      const view = projectView(ctx, project);
      if (hasFault(ctx, 'project-timeout-as-string')) view.timeout = String(view.timeout);
      return { status: 200, body: view };
    },
  },
  {
    method: 'PUT',
    template: '/projects/{id}',
    operationId: 'updateProject',
    async handler(ctx, req) {
      const session = await authenticateUser(ctx, req);
      const id = pathId(req.pathParams.id) ?? NaN;
      const project = ctx.store.getProject(id);
      if (!project) throw notFoundError();
      await requireManage(ctx, session, project.gitlabId);
      const before = projectView(ctx, project);
      requireReadableBody(req);
      const b = req.body;
      const changes = {
        name: optionalString(b, 'name'),
        gitlabId: optionalInt(b, 'gitlab_id'),
        path: optionalString(b, 'path'),
        sshUrlToRepo: optionalString(b, 'ssh_url_to_repo'),
        defaultRef: optionalString(b, 'default_ref'),
      };
      // Moving the CI project to another GitLab project needs the right to manage that one too.
      if (changes.gitlabId !== undefined && changes.gitlabId !== project.gitlabId) {
        await requireManage(ctx, session, changes.gitlabId);
      }
      const updated = ctx.store.updateProject(id, changes, { uniqueName: !hasFault(ctx, 'duplicate-names-allowed') });
      if (hasFault(ctx, 'update-returns-old-project')) return { status: 200, body: before };
      return { status: 200, body: projectView(ctx, updated) };
    },
  },
  {
    method: 'DELETE',
    template: '/projects/{id}',
    operationId: 'deleteProject',
    async handler(ctx, req) {
      const session = await authenticateUser(ctx, req);
      const id = pathId(req.pathParams.id) ?? NaN;
      const project = ctx.store.getProject(id);
      if (project) {
        await requireManage(ctx, session, project.gitlabId);
        if (hasFault(ctx, 'delete-keeps-project')) return { status: 200, body: projectView(ctx, project) };
        const deleted = ctx.store.deleteProject(id);
        if (deleted) return { status: 200, body: projectView(ctx, deleted) };
      }
      if (hasFault(ctx, 'delete-repeat-404') && ctx.store.wasProjectDeleted(id)) throw notFoundError();
      if (hasFault(ctx, 'delete-unknown-404') && !ctx.store.wasProjectDeleted(id)) throw notFoundError();
      // DELETE is idempotent: nothing there (any more) is success too.
      return { status: 200, body: { message: `Project ${req.pathParams.id} does not exist (any more): nothing to delete` } };
    },
  },
  {
    method: 'POST',
    template: '/projects/{id}/runners/{runner_id}',
    operationId: 'linkRunner',
    async handler(ctx, req) {
      const session = await authenticateUser(ctx, req);
      const id = pathId(req.pathParams.id) ?? NaN;
      const project = ctx.store.getProject(id);
      if (!project) throw notFoundError('Project Not Found');
      await requireManage(ctx, session, project.gitlabId);
      const runner = ctx.store.linkRunner(id, pathId(req.pathParams.runner_id) ?? NaN);
      return { status: 201, body: runnerView(runner) };
    },
  },
  {
    method: 'DELETE',
    template: '/projects/{id}/runners/{runner_id}',
    operationId: 'unlinkRunner',
    async handler(ctx, req) {
      const session = await authenticateUser(ctx, req);
      const id = pathId(req.pathParams.id) ?? NaN;
      const project = ctx.store.getProject(id);
      if (project) {
        await requireManage(ctx, session, project.gitlabId);
        const runner = ctx.store.unlinkRunner(id, pathId(req.pathParams.runner_id) ?? NaN);
        if (runner) return { status: 200, body: runnerView(runner) };
      }
      return {
        status: 200,
        body: { message: `Runner ${req.pathParams.runner_id} is not linked to project ${req.pathParams.id}: nothing to remove` },
      };
    },
  },
];
