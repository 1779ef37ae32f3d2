// What a CI dashboard reads: the CI projects a user can see, and a project's commits with their builds
// and statuses (with the project token, page by page).
import type { Transport } from '../http/types';
import { ApiError, expectJson } from './errors';
import { type UserCredentials, withUserAuth } from './gitlab-client';
import { label } from './runner-client';
import type { Commit, Project } from './types';

export class DashboardClient {
  constructor(
    private readonly api: Transport,
    private readonly user?: UserCredentials,
  ) {}

  /** GET /projects: the CI projects the user has access to. */
  async listProjects(): Promise<Project[]> {
    if (!this.user) throw new Error('listProjects needs user credentials (DashboardClient constructor)');
    const request = withUserAuth({ method: 'GET', path: '/projects' }, this.user);
    const response = await this.api.send(request);
    const secrets = [this.user.privateToken];
    if (response.status !== 200) throw ApiError.from(label(request), response, secrets);
    return expectJson(label(request), response, secrets) as Project[];
  }

  /** GET /commits: one page of the project's commits, newest first, each with its builds. */
  async listCommits(projectId: number, projectToken: string, page = 1, perPage = 20): Promise<Commit[]> {
    const request = {
      method: 'GET',
      path: '/commits',
      query: { project_id: projectId, project_token: projectToken, page, per_page: perPage },
      headers: { Accept: 'application/json' },
    };
    const response = await this.api.send(request);
    if (response.status !== 200) throw ApiError.from(label(request), response, [projectToken]);
    return expectJson(label(request), response, [projectToken]) as Commit[];
  }
}
