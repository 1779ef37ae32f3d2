// What GitLab does with the API when it sets up CI for its projects: manage CI projects and their runners
// as a user (authentication #1: private token and the GitLab url), report pushes with the project token
// (#2) and create the CI project of a fork (#1 and #2).
import type { ApiRequest, ApiResponse, Transport } from '../http/types';
import { ApiError, expectJson } from './errors';
import { label } from './runner-client';
import type { Commit, ForkData, Project, ProjectCreate, ProjectUpdate, PushData, Runner } from './types';

export interface UserCredentials {
  privateToken: string;
  /** The GitLab instance the token belongs to, sent as `url`. */
  gitlabUrl: string;
  /** Where the private token travels: the `private_token` query parameter (default) or the PRIVATE-TOKEN header. */
  tokenIn?: 'query' | 'header';
}

export class GitlabClient {
  constructor(
    private readonly api: Transport,
    private readonly user: UserCredentials,
  ) {}

  /** POST /projects: 201 the new CI project, with its token. */
  createProject(project: ProjectCreate): Promise<Project> {
    return this.call<Project>({ method: 'POST', path: '/projects', body: project }, [201]);
  }

  /** PUT /projects/:id: 200 the modified project. */
  updateProject(id: number, changes: ProjectUpdate): Promise<Project> {
    return this.call<Project>({ method: 'PUT', path: `/projects/${id}`, body: changes }, [200]);
  }

  /** GET /projects/:id: 200 the project. */
  getProject(id: number): Promise<Project> {
    return this.call<Project>({ method: 'GET', path: `/projects/${id}` }, [200]);
  }

  /** DELETE /projects/:id: 200 (also when it was gone already). */
  async deleteProject(id: number): Promise<void> {
    await this.call({ method: 'DELETE', path: `/projects/${id}` }, [200]);
  }

  /** POST /projects/:id/runners/:runner_id: 201 the runner, now linked. */
  linkRunner(projectId: number, runnerId: number): Promise<Runner> {
    return this.call<Runner>({ method: 'POST', path: `/projects/${projectId}/runners/${runnerId}` }, [201]);
  }

  /** DELETE /projects/:id/runners/:runner_id: 200 (also when it was not linked). */
  async unlinkRunner(projectId: number, runnerId: number): Promise<void> {
    await this.call({ method: 'DELETE', path: `/projects/${projectId}/runners/${runnerId}` }, [200]);
  }

  /** POST /commits with the project token: 201 the new commit with its builds; 200 when it existed already. */
  pushCommit(projectId: number, projectToken: string, data: PushData): Promise<Commit> {
    const request: ApiRequest = {
      method: 'POST',
      path: '/commits',
      headers: { Accept: 'application/json' },
      body: { project_id: projectId, project_token: projectToken, data },
    };
    return this.send<Commit>(request, [200, 201], [projectToken]);
  }

  /**
   * POST /forks: 201 the CI project of the fork. `sourceGitlabId` and `sourceProjectToken` name the CI
   * project of the source (by its GitLab id), `fork` the GitLab project that is the fork.
   */
  createFork(sourceGitlabId: number, sourceProjectToken: string, fork: ForkData): Promise<Project> {
    return this.call<Project>(
      { method: 'POST', path: '/forks', query: { private_token: this.user.privateToken }, body: { project_id: sourceGitlabId, project_token: sourceProjectToken, data: fork } },
      [201],
      [sourceProjectToken],
    );
  }

  private call<T>(request: ApiRequest, expected: number[], secrets: string[] = []): Promise<T> {
    return this.send<T>(withUserAuth(request, this.user), expected, secrets);
  }

  private async send<T>(request: ApiRequest, expected: number[], secrets: string[]): Promise<T> {
    const all = [this.user.privateToken, ...secrets];
    const response: ApiResponse = await this.api.send(request);
    if (!expected.includes(response.status)) throw ApiError.from(label(request), response, all);
    return expectJson(label(request), response, all) as T;
  }
}

/**
 * The credentials of authentication #1 as parts of a request: the private token in the query (or the
 * PRIVATE-TOKEN header) and the GitLab url. The one place they are written.
 */
export function userAuth(user: UserCredentials): Pick<ApiRequest, 'query' | 'headers'> {
  return user.tokenIn === 'header'
    ? { query: { url: user.gitlabUrl }, headers: { 'PRIVATE-TOKEN': user.privateToken } }
    : { query: { private_token: user.privateToken, url: user.gitlabUrl } };
}

/** Adds the credentials of authentication #1 to a request. */
export function withUserAuth(request: ApiRequest, user: UserCredentials): ApiRequest {
  const auth = userAuth(user);
  return {
    ...request,
    query: { ...request.query, ...auth.query },
    headers: { Accept: 'application/json', ...request.headers, ...auth.headers },
  };
}
