// Runners API: list (user token), register (registration or project token), delete (runner token).
import { hasFault, type ServerContext } from '../../context';
import { forbidden } from '../../domain';
import { authenticateUser, requireReadableBody } from '../auth';
import { optionalObject, optionalString, optionalStringList, requiredString } from '../params';
import type { Route } from '../router';
import { runnerDetailView, runnerView } from '../views';

export const runnerRoutes: Route[] = [
  {
    method: 'GET',
    template: '/runners',
    operationId: 'listRunners',
    async handler(ctx, req) {
      await authenticateUser(ctx, req);
      if (hasFault(ctx, 'list-runners-answers-201')) return { status: 201, body: ctx.store.listRunners().map(runnerView) };
      return { status: 200, body: ctx.store.listRunners().map(runnerView) };
    },
  },
  {
    method: 'POST',
    template: '/runners/register',
    operationId: 'registerRunner',
    handler(ctx, req) {
      requireReadableBody(req);
      const p = req.params;
      let token = requiredString(p, 'token');
      const kind = ctx.store.tokenKind(token);
      if (hasFault(ctx, 'registration-token-refused') && kind === 'registration') throw forbidden();
      if (hasFault(ctx, 'registration-project-token-refused') && kind === 'project') throw forbidden();
      if (hasFault(ctx, 'registration-any-token') && kind === undefined) token = ctx.store.registrationToken;
      if (hasFault(ctx, 'registration-runner-token-accepted') && kind === 'runner') token = projectTokenOfRunner(ctx, token);
      const input = {
        description: optionalString(p, 'description') ?? null,
        tags: optionalStringList(p, 'tag_list') ?? [],
        info: optionalObject(p, 'info'),
      };
      const runner = ctx.store.registerRunner(token, input);
      return { status: 201, body: runnerView(runner) };
    },
  },
  {
    method: 'DELETE',
    template: '/runners/delete',
    operationId: 'deleteRunner',
    handler(ctx, req) {
      requireReadableBody(req);
      const token = requiredString(hasFault(ctx, 'runner-token-refused-on-delete') ? req.query : req.params, 'token');
      const deletion = ctx.store.deleteRunner(token);
      if (deletion.repeated) {
        return { status: 200, body: { message: `Runner ${deletion.tombstone.id} was deleted before: nothing to delete` } };
      }
      return { status: 200, body: runnerDetailView(deletion.runner, deletion.runner.updatedAt) };
    },
  },
];

/** The token of a project the runner is linked to, else the registration token (a fault switch's stand-in). */
function projectTokenOfRunner(ctx: ServerContext, runnerToken: string): string {
  const [projectId] = ctx.store.runnerByToken(runnerToken)?.projectIds ?? [];
  return (projectId !== undefined && ctx.store.getProject(projectId)?.token) || ctx.store.registrationToken;
}
