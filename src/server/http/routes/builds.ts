// Builds API (runner token): hand out the oldest pending build, update a running build.
// The runner token is checked before the build is looked up (PUT builds/-1: 404 alive, 403 removed).
import { requireReadableBody } from '../auth';
import { notFoundError } from '../errors';
import { optionalObject, optionalString, pathId, requiredString } from '../params';
import type { Route } from '../router';
import { assignmentView, buildView } from '../views';

export const buildRoutes: Route[] = [
  {
    method: 'POST',
    template: '/builds/register',
    operationId: 'requestBuild',
    handler(ctx, req) {
      requireReadableBody(req);
      const token = requiredString(req.params, 'token');
      const info = optionalObject(req.params, 'info');
      const runner = ctx.store.authenticateRunner(token);
      // Selection and assignment happen in one synchronous step: no build goes to two runners.
      const build = ctx.store.requestBuild(runner, info);
      if (!build) throw notFoundError();
      const project = ctx.store.getProject(build.projectId);
      if (!project) throw notFoundError();
      return { status: 201, body: assignmentView(build, project) };
    },
  },
  {
    method: 'PUT',
    template: '/builds/{id}',
    operationId: 'updateBuild',
    handler(ctx, req) {
      requireReadableBody(req);
      const token = requiredString(req.params, 'token');
      const state = optionalString(req.params, 'state');
      const trace = optionalString(req.params, 'trace');
      optionalObject(req.params, 'info');
      const runner = ctx.store.authenticateRunner(token);
      const build = ctx.store.updateBuild(runner, pathId(req.pathParams.id) ?? NaN, { state, trace });
      return { status: 200, body: buildView(build) };
    },
  },
];
