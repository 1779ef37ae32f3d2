// Builds API (runner token): hand out the oldest pending build, update a running build.
// The runner token is checked before the build is looked up (PUT builds/-1: 404 alive, 403 removed).
import { optionalObject, optionalString, requiredString } from '../params';
import { refuse } from '../errors';
import { defineRoute, type Route } from '../route';
import { assignmentView, buildView } from '../views';

export const buildRoutes: Route[] = [
  defineRoute({
    operationId: 'requestBuild',
    method: 'POST',
    template: '/builds/register',
    ci: 'runner',
    body: true,
    input: ({ params }) => ({ token: requiredString(params, 'token'), info: optionalObject(params, 'info') }),
    handle({ ctx, runner, input }) {
      const build = ctx.store.requestBuild(runner, input.info);
      const project = build && ctx.store.getProject(build.projectId);
      if (!build || !project) throw refuse('nothingToBuild');
      return { status: 201, body: assignmentView(build, project) };
    },
  }),
  defineRoute({
    operationId: 'updateBuild',
    method: 'PUT',
    template: '/builds/{id}',
    // Runners send PUT builds/-1 to learn whether their token is still valid (404 alive, 403 removed).
    negativeIds: true,
    ci: 'runner',
    load: 'assigned-build',
    body: true,
    input: ({ params }) => {
      const read = { token: requiredString(params, 'token'), state: optionalString(params, 'state'), trace: optionalString(params, 'trace') };
      optionalObject(params, 'info');
      return read;
    },
    handle: ({ ctx, runner, build, input }) => ({ status: 200, body: buildView(ctx.store.updateBuild(runner, build.id, input, ctx.behaviour.leniency('updateBuild'))) }),
  }),
];
