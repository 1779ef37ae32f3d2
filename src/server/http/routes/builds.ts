// Builds API (runner token): hand out the oldest pending build, update a running build.
// The runner token is checked before the build is looked up (PUT builds/-1: 404 alive, 403 removed).
import { hasFault, type ServerContext } from '../../context';
import { BUILD_STATES, type Build, type Runner, type RunnerInfo } from '../../domain';
import { authenticateRunnerToken, requireReadableBody } from '../auth';
import { notFoundError } from '../errors';
import { optionalObject, optionalString, pathId, requiredString } from '../params';
import type { Route } from '../router';
import { assignmentView, buildView } from '../views';

export const buildRoutes: Route[] = [
  {
    method: 'POST',
    template: '/builds/register',
    operationId: 'requestBuild',
    async handler(ctx, req) {
      requireReadableBody(req);
      const token = requiredString(req.params, 'token');
      const info = optionalObject(req.params, 'info');
      if (hasFault(ctx, 'runner-token-unknown-404') && ctx.store.tokenKind(token) === undefined) throw notFoundError();
      const runner = authenticateRunnerToken(ctx, token);
      // Selection and assignment happen in one synchronous step: no build goes to two runners.
      const build = hasFault(ctx, 'build-selection-races') ? await racyRequestBuild(ctx, runner, info) : ctx.store.requestBuild(runner, info);
      if (!build && hasFault(ctx, 'nothing-to-build-200')) return { status: 200, body: {} };
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
      const id = pathId(req.pathParams.id) ?? NaN;
      if (hasFault(ctx, 'build-lookup-before-auth') && !ctx.store.getBuild(id)) throw notFoundError();
      const token = requiredString(req.params, 'token');
      let state = optionalString(req.params, 'state');
      const trace = optionalString(req.params, 'trace');
      optionalObject(req.params, 'info');
      if (hasFault(ctx, 'build-state-unchecked') && !(BUILD_STATES as readonly unknown[]).includes(state)) state = undefined;
      let runner = authenticateRunnerToken(ctx, token);
      if (hasFault(ctx, 'build-update-any-runner')) runner = ctx.store.getRunner(ctx.store.getBuild(id)?.runnerId ?? NaN) ?? runner;
      const build = ctx.store.updateBuild(runner, id, { state, trace });
      return { status: 200, body: buildView(build) };
    },
  },
];

/** Selection and assignment with an await between them: two runners asking at once get the same build. */
async function racyRequestBuild(ctx: ServerContext, runner: Runner, info: RunnerInfo | undefined): Promise<Build | undefined> {
  const build = ctx.store.nextBuildFor(runner, info);
  await new Promise((resolve) => setTimeout(resolve, 20)); // e.g. a database round trip
  return build && ctx.store.assignBuild(runner, build);
}
