// Forks API (user token in the query + the source CI project's token): the CI project of a GitLab fork.
import { DomainError, type DomainErrorKind, type ProjectInput } from '../../domain';
import type { Params } from '../body';
import { requireRight } from '../credentials';
import { notGiven, refuse } from '../errors';
import { optionalString, requiredInt, requiredObject, requiredString, requirePresent } from '../params';
import { defineRoute, type Route } from '../route';
import { projectView } from '../views';

const FORK_FIELDS = ['id', 'name_with_namespace', 'path_with_namespace', 'default_branch', 'ssh_url_to_repo'];

/** What the domain refuses of a new project that POST /forks, documenting no 409 or 422, answers 400 to. */
const FORK_REFUSALS: DomainErrorKind[] = ['name-taken', 'gitlab-project-taken', 'unprocessable'];

/** The fork as GitLab describes it in `data` -> the new CI project; 400 for what is missing or malformed. */
function readFork(data: Params, sourceDefaultRef: string): ProjectInput {
  const label = (k: string): string => `data[${k}]`;
  for (const k of FORK_FIELDS) {
    if (data[k] === undefined || data[k] === null || (k === 'id' && data[k] === '')) throw notGiven(label(k));
  }
  const input = {
    gitlabId: requiredInt(data, 'id', label('id')),
    name: requiredString(data, 'name_with_namespace', label('name_with_namespace')),
    path: requiredString(data, 'path_with_namespace', label('path_with_namespace')),
    defaultRef: requiredString(data, 'default_branch', label('default_branch')) || sourceDefaultRef,
    sshUrlToRepo: requiredString(data, 'ssh_url_to_repo', label('ssh_url_to_repo')),
  };
  // web_url is not needed (gitlab_url derives from the path): only its type is checked, when given.
  optionalString(data, 'web_url', label('web_url'));
  return input;
}

export const forkRoutes: Route[] = [
  defineRoute({
    operationId: 'createFork',
    method: 'POST',
    template: '/forks',
    user: true,
    ci: 'project-of-gitlab-id',
    body: true,
    input: ({ body }) => {
      requirePresent(body, ['project_id', 'project_token', 'data']);
      return { projectId: requiredInt(body, 'project_id'), token: requiredString(body, 'project_token'), data: requiredObject(body, 'data') };
    },
    async handle({ ctx, session, source, input }) {
      const fork = readFork(input.data, source.defaultRef);
      await requireRight(ctx, session, 'manage', fork.gitlabId);
      try {
        return { status: 201, body: projectView(ctx, ctx.store.createProject(fork)) };
      } catch (error) {
        if (error instanceof DomainError && FORK_REFUSALS.includes(error.kind)) throw refuse('forkRefused', error.message);
        throw error;
      }
    },
  }),
];
