// Runners API: list (user token), register (registration or project token), delete (runner token).
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
      const token = requiredString(p, 'token');
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
      const token = requiredString(req.params, 'token');
      const deletion = ctx.store.deleteRunner(token);
      if (deletion.repeated) {
        return { status: 200, body: { message: `Runner ${deletion.tombstone.id} was deleted before: nothing to delete` } };
      }
      return { status: 200, body: runnerDetailView(deletion.runner, deletion.runner.updatedAt) };
    },
  },
];
