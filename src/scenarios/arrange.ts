// What an arrangement makes: one valid request of an operation from the run's state, the starting point
// every scenario then breaks in exactly one way, with what a success should show (fields that must
// reflect the input) and how to read the result back or see it gone. The arrangement of each operation
// is in the operations table (./operations.ts); here the shapes and the helpers they share.
import type { ApiRequest } from '../http/types';
import type { AuthMethod } from '../spec/types';
import type { ProjectHandle, Scope } from '../state/fixtures';
import type { World } from '../state/world';

/** A case of a rule on an operation: the expectation (under the active profile) that judges an answer. */
export interface JudgedBy {
  rule: string;
  operationId: string;
  variant?: string;
}

export interface Credential {
  method: AuthMethod;
  location: 'query' | 'body';
  name: string;
}

export interface Prepared {
  request: ApiRequest;
  pathTemplate: string;
  pathParams: Record<string, number>;
  /** CI-token credentials and where they travel (the user token always travels as method #1 says). */
  credentials: Credential[];
  /** Top-level fields of the success body that must equal what was sent. */
  reflects?: Record<string, unknown>;
  /** A request that must find the created or modified resource, and how to recognise it in the answer. */
  readBack?: (body: unknown) => { request: ApiRequest; judgedBy: JudgedBy; finds: (answer: unknown) => string | undefined };
  /** After a successful DELETE: a request whose answer (as the case judgedBy expects it) shows the resource is gone. */
  gone?: () => Promise<{ request: ApiRequest; judgedBy: JudgedBy; what: string }>;
}

export type Arrangement = (world: World, scope: Scope) => Promise<Prepared>;

export function fillPath(template: string, params: Record<string, number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name]));
}

export function prepared(
  world: World,
  method: string,
  pathTemplate: string,
  pathParams: Record<string, number>,
  rest: Partial<Omit<Prepared, 'request' | 'pathTemplate' | 'pathParams'>> & { body?: unknown; query?: ApiRequest['query']; user?: boolean },
): Prepared {
  const auth = rest.user === false ? {} : world.userAuth();
  return {
    request: {
      method,
      path: fillPath(pathTemplate, pathParams),
      query: { ...auth.query, ...rest.query },
      headers: auth.headers,
      body: rest.body,
    },
    pathTemplate,
    pathParams,
    credentials: rest.credentials ?? [],
    reflects: rest.reflects,
    readBack: rest.readBack,
    gone: rest.gone,
  };
}

export const runnerToken = (): Credential[] => [{ method: 'runner', location: 'body', name: 'token' }];
export const projectToken = (location: 'query' | 'body'): Credential[] => [{ method: 'project', location, name: 'project_token' }];

export function getProjectRequest(world: World, id: number): ApiRequest {
  return { method: 'GET', path: `/projects/${id}`, ...world.userAuth() };
}

/** What GET /projects/:id answers for a project that is not there. */
export const NO_SUCH_PROJECT: JudgedBy = { rule: 'UNKNOWN-RESOURCE-404', operationId: 'getProject', variant: 'id' };

/** A successful listing or read of an operation. */
export const readOf = (operationId: string): JudgedBy => ({ rule: 'GET-200', operationId });

export function projectReadBack(world: World, expectedName: (body: Record<string, unknown>) => unknown) {
  return (body: unknown) => {
    const b = body as Record<string, unknown>;
    return {
      request: getProjectRequest(world, Number(b.id)),
      judgedBy: readOf('getProject'),
      finds: (answer: unknown) => {
        const a = answer as Record<string, unknown> | undefined;
        return a?.name === expectedName(b) ? undefined : `GET /projects/${String(b.id)} shows name ${JSON.stringify(a?.name)}`;
      },
    };
  };
}

export function commitsOf(project: ProjectHandle): ApiRequest {
  return { method: 'GET', path: '/commits', query: { project_id: project.id, project_token: project.token, per_page: 100 } };
}

