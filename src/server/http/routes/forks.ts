// Forks API (user token in the query + the source CI project's token): the CI project of a GitLab fork.
import { hasFault } from '../../context';
import { DomainError } from '../../domain';
import { authenticateUser, requireManage, requireReadableBody } from '../auth';
import { badRequest, notGiven } from '../errors';
import { optionalString, requiredInt, requiredObject, requiredString, requirePresent } from '../params';
import type { Route } from '../router';
import { projectView } from '../views';

export const forkRoutes: Route[] = [
  {
    method: 'POST',
    template: '/forks',
    operationId: 'createFork',
    async handler(ctx, req) {
      const session = await authenticateUser(ctx, req);
      requireReadableBody(req);
      const b = req.body;
      requirePresent(b, ['project_id', 'project_token', 'data']);
      const sourceGitlabId = requiredInt(b, 'project_id');
      const token = requiredString(b, 'project_token');
      const data = requiredObject(b, 'data');
      const source = ctx.store.authenticateProjectByGitlabId(sourceGitlabId, token);
      const label = (k: string): string => `data[${k}]`;
      for (const k of ['id', 'name_with_namespace', 'path_with_namespace', 'default_branch', 'ssh_url_to_repo']) {
        if (data[k] === undefined || data[k] === null || (k === 'id' && data[k] === '')) throw notGiven(label(k));
      }
      const input = {
        gitlabId: requiredInt(data, 'id', label('id')),
        name: requiredString(data, 'name_with_namespace', label('name_with_namespace')),
        path: requiredString(data, 'path_with_namespace', label('path_with_namespace')),
        defaultRef: requiredString(data, 'default_branch', label('default_branch')) || source.defaultRef,
        sshUrlToRepo: requiredString(data, 'ssh_url_to_repo', label('ssh_url_to_repo')),
      };
      // web_url is not needed (gitlab_url derives from the path): only its type is checked, when given.
      optionalString(data, 'web_url', label('web_url'));
      await requireManage(ctx, session, input.gitlabId);
      try {
        const fork = ctx.store.createProject(input);
        if (hasFault(ctx, 'fork-not-saved')) ctx.store.deleteProject(fork.id);
        return { status: 201, body: projectView(ctx, fork) };
      } catch (error) {
        // The operation documents 201, 400, 401 and 403 only: an invalid or conflicting fork is a bad request.
        if (error instanceof DomainError && (error.kind === 'conflict' || error.kind === 'unprocessable')) {
          throw badRequest(error.message);
        }
        throw error;
      }
    },
  },
];
