// Runners API: list (user token), register (registration or project token), delete (runner token).
import { optionalObject, optionalString, optionalStringList, requiredString } from '../params';
import { decided } from '../errors';
import { defineRoute, type Route } from '../route';
import { runnerDetailView, runnerView } from '../views';

export const runnerRoutes: Route[] = [
  defineRoute({
    operationId: 'listRunners',
    method: 'GET',
    template: '/runners',
    user: true,
    handle: ({ ctx }) => ({ status: 200, body: ctx.store.listRunners().map(runnerView) }),
  }),
  defineRoute({
    operationId: 'registerRunner',
    method: 'POST',
    template: '/runners/register',
    ci: 'registration',
    body: true,
    input: ({ params }) => ({
      token: requiredString(params, 'token'),
      description: optionalString(params, 'description') ?? null,
      tags: optionalStringList(params, 'tag_list') ?? [],
      info: optionalObject(params, 'info'),
    }),
    handle: ({ ctx, grant, input }) => ({ status: 201, body: runnerView(ctx.store.addRunner(grant, input)) }),
  }),
  defineRoute({
    operationId: 'deleteRunner',
    method: 'DELETE',
    template: '/runners/delete',
    ci: 'runner-or-deleted',
    body: true,
    input: ({ params }) => ({ token: requiredString(params, 'token') }),
    handle({ ctx, runner }) {
      if ('deletedAt' in runner) return decided('runnerDeletedBefore', { message: `Runner ${runner.id} was deleted before: nothing to delete` });
      const deleted = ctx.store.removeRunner(runner);
      return { status: 200, body: runnerDetailView(deleted, deleted.updatedAt) };
    },
  }),
];
