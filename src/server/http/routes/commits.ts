// Commits API (project token): list a project's commits with their builds, create a commit from push data.
import { hasFault } from '../../context';
import type { PushCommit, PushInput } from '../../domain';
import { authenticateProjectToken, requireReadableBody } from '../auth';
import type { Params } from '../body';
import { HttpError, badRequest, forbiddenError, notGiven } from '../errors';
import { optionalInt, optionalObject, optionalString, requiredInt, requiredObject, requiredString, requirePresent } from '../params';
import type { Route } from '../router';
import { commitView } from '../views';

export const DEFAULT_PER_PAGE = 20;

function positive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (value < 1) throw badRequest(`"${name}" must be a positive integer`);
  return value;
}

/** GitLab push data -> what the domain needs; 400 for what is missing or malformed. */
export function readPushData(data: Params): PushInput {
  const label = (k: string): string => `data[${k}]`;
  const before = requiredString(data, 'before', label('before'));
  const sha = optionalString(data, 'checkout_sha', label('checkout_sha')) || optionalString(data, 'after', label('after'));
  if (!sha) throw notGiven(label('after'));
  const ref = requiredString(data, 'ref', label('ref'));
  if (ref.trim() === '') throw notGiven(label('ref'));
  const rawCommits = data.commits ?? [];
  const list = Array.isArray(rawCommits) ? rawCommits : rawCommits && typeof rawCommits === 'object' ? Object.values(rawCommits) : null;
  if (!list) throw badRequest(`"${label('commits')}" must be an array`);
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
  {
    method: 'GET',
    template: '/commits',
    operationId: 'listCommits',
    handler(ctx, req) {
      const q = req.params;
      requirePresent(q, ['project_id', 'project_token']);
      const projectId = requiredInt(q, 'project_id');
      const token = requiredString(q, 'project_token');
      let page = positive(optionalInt(q, 'page'), 'page', 1);
      let perPage = positive(optionalInt(q, 'per_page'), 'per_page', DEFAULT_PER_PAGE);
      if (hasFault(ctx, 'pagination-ignored')) [page, perPage] = [1, Number.MAX_SAFE_INTEGER];
      const project = authenticateProjectToken(ctx, projectId, token);
      if (hasFault(ctx, 'project-token-refused-on-list')) throw forbiddenError();
      return { status: 200, body: ctx.store.listCommits(project, page, perPage).map((c) => commitView(ctx, c)) };
    },
  },
  {
    method: 'POST',
    template: '/commits',
    operationId: 'createCommit',
    handler(ctx, req) {
      requireReadableBody(req);
      const b = req.params;
      if (hasFault(ctx, 'missing-data-422') && b.data === undefined) throw new HttpError(422, '422 Unprocessable: data is missing');
      requirePresent(b, ['project_id', 'project_token', 'data']);
      const projectId = requiredInt(b, 'project_id');
      const token = requiredString(b, 'project_token');
      const data = requiredObject(b, 'data');
      const project = authenticateProjectToken(ctx, projectId, token);
      const { commit, created } = ctx.store.createCommit(project, readPushData(data), { deduplicate: !hasFault(ctx, 'commit-duplicated') });
      // The same sha and ref pushed again: nothing is created, the existing commit is returned.
      return { status: created ? 201 : 200, body: commitView(ctx, commit) };
    },
  },
];
