// Commits API (project token): list a project's commits with their builds, create a commit from push data.
import type { PushCommit, PushInput } from '../../domain';
import type { Params } from '../body';
import { decided, notGiven, refuse } from '../errors';
import { optionalInt, optionalObject, optionalString, requiredInt, requiredObject, requiredString, requirePresent } from '../params';
import { defineRoute, type Route } from '../route';
import { commitView } from '../views';

const DEFAULT_PER_PAGE = 20;

function positive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (value < 1) throw refuse('inputMalformed', `"${name}" must be a positive integer`);
  return value;
}

/** GitLab push data -> what the domain needs; 400 for what is missing or malformed. */
function readPushData(data: Params): PushInput {
  const label = (k: string): string => `data[${k}]`;
  const before = requiredString(data, 'before', label('before'));
  const sha = optionalString(data, 'checkout_sha', label('checkout_sha')) || optionalString(data, 'after', label('after'));
  if (!sha) throw notGiven(label('after'));
  const ref = requiredString(data, 'ref', label('ref'));
  if (ref.trim() === '') throw notGiven(label('ref'));
  const rawCommits = data.commits ?? [];
  const list = Array.isArray(rawCommits) ? rawCommits : rawCommits && typeof rawCommits === 'object' ? Object.values(rawCommits) : null;
  if (!list) throw refuse('inputMalformed', `"${label('commits')}" must be an array`);
  const commits: PushCommit[] = [];
  list.forEach((c, i) => {
    if (!c || typeof c !== 'object' || Array.isArray(c)) return;
    const item = c as Params;
    const at = `${label('commits')}[${i}]`;
    const author = optionalObject(item, 'author', `${at}[author]`) ?? {};
    commits.push({
      id: optionalString(item, 'id', `${at}[id]`),
      message: optionalString(item, 'message', `${at}[message]`),
      authorName: optionalString(author, 'name', `${at}[author][name]`),
      authorEmail: optionalString(author, 'email', `${at}[author][email]`),
    });
  });
  return { before, sha, ref, commits, ciYamlFile: optionalString(data, 'ci_yaml_file', label('ci_yaml_file')) };
}

export const commitRoutes: Route[] = [
  defineRoute({
    operationId: 'listCommits',
    method: 'GET',
    template: '/commits',
    ci: 'project',
    input: ({ params }) => {
      requirePresent(params, ['project_id', 'project_token']);
      return {
        projectId: requiredInt(params, 'project_id'),
        token: requiredString(params, 'project_token'),
        page: positive(optionalInt(params, 'page'), 'page', 1),
        perPage: positive(optionalInt(params, 'per_page'), 'per_page', DEFAULT_PER_PAGE),
      };
    },
    handle: ({ ctx, project, input }) => ({ status: 200, body: ctx.store.listCommits(project, input.page, input.perPage).map((c) => commitView(ctx, c)) }),
  }),
  defineRoute({
    operationId: 'createCommit',
    method: 'POST',
    template: '/commits',
    ci: 'project',
    body: true,
    input: ({ params }) => {
      requirePresent(params, ['project_id', 'project_token', 'data']);
      return { projectId: requiredInt(params, 'project_id'), token: requiredString(params, 'project_token'), data: requiredObject(params, 'data') };
    },
    handle({ ctx, project, input }) {
      const { commit, created } = ctx.store.createCommit(project, readPushData(input.data));
      // The same sha and ref pushed again: nothing is created, the existing commit is returned.
      return created ? { status: 201, body: commitView(ctx, commit) } : decided('commitExists', commitView(ctx, commit));
    },
  }),
];
