// A route of the reference server is a declaration: the operation, the credentials it takes (as the
// description's x-auth says), the resource it loads and the right the user needs on it, whether it reads a
// body and how its input is read; its handler only does the operation. runRoute establishes the rest, in
// one order for every route:
//   1. the user credential (Authentication #1)                  401
//   2. for a route without a CI token: the resource it loads,   404
//      and the user's right on it                               403
//   3. a readable body, then the input (attributes, types)     400
//   4. the CI credential, read from the input (#2 to #4)        403
//      and the resource it guards (the runner's build)          404
// Credentials always come before the lookup of what they guard (AUTH-BEFORE-EXISTENCE).
import type http from 'node:http';
import type { ServerContext } from '../context';
import type { Build, Project, Runner } from '../domain';
import type { Params } from './body';
import { CI_CREDENTIALS, authenticateUser, requireRight, type CiCredentialKind, type CiPrincipal, type CredentialInput, type Right, type UserSession } from './credentials';
import { refuse, type Reply } from './errors';

export interface RouteRequest {
  /** The operation the route serves (a profile may answer it apart from others). */
  operationId: string;
  method: string;
  /** The path relative to /api/v1, without the .json suffix, e.g. /projects/12. */
  path: string;
  pathParams: Record<string, string>;
  /** The path parameters as ids (the router routes only segments that are ids). */
  ids: Record<string, number>;
  query: Params;
  body: Params;
  /** Why the body could not be read; routes that read a body answer it with 400. */
  bodyError?: string;
  /** Query and body merged (the body wins). */
  params: Params;
  headers: http.IncomingHttpHeaders;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a route loads from its path: the project {id} (404 when absent, or passed on as undefined), the runner's build {id}. */
export type LoadKind = 'project' | 'project-if-any' | 'assigned-build';

type UserPart<U> = U extends true ? { session: UserSession } : unknown;
type LoadPart<L> = L extends 'project'
  ? { project: Project }
  : L extends 'project-if-any'
    ? { project: Project | undefined }
    : L extends 'assigned-build'
      ? { build: Build }
      : unknown;

/** What a handler is called with: exactly what its route declared. */
export type Call<U, C extends CiCredentialKind | undefined, L, I> = { ctx: ServerContext; req: RouteRequest; input: I } & UserPart<U> &
  CiPrincipal<C> &
  LoadPart<L>;

export interface RouteDeclaration<U extends boolean, C extends CiCredentialKind | undefined, L extends LoadKind | undefined, I> {
  operationId: string;
  method: Method;
  /** OpenAPI path template, e.g. /projects/{id}/runners/{runner_id}. */
  template: string;
  /** Takes the GitLab user token & url (Authentication #1). */
  user?: U;
  /** Takes a CI token (Authentication #2 to #4), found in the input. */
  ci?: C;
  load?: L;
  /** The right the user needs on the loaded project. */
  right?: Right;
  /** Its path ids may be negative (default: positive only; anything else is no path of the API). */
  negativeIds?: boolean;
  /** The 404 message when the project to load is not there (default "Not Found"). */
  notFound?: string;
  /** Reads a request body (an unreadable one answers 400). */
  body?: boolean;
  /** Reads and types the attributes (400 for a missing or malformed one). */
  input?: (req: RouteRequest) => I;
  handle(call: Call<U, C, L, I>): Reply | Promise<Reply>;
}

/** A declared route as the router holds it. */
export interface Route {
  operationId: string;
  method: Method;
  template: string;
  /** The credentials it takes, in x-auth terms. */
  auth: { user: boolean; ci?: CiCredentialKind };
  load?: LoadKind;
  negativeIds: boolean;
  run(ctx: ServerContext, req: RouteRequest): Promise<Reply>;
}

type AnyDeclaration = RouteDeclaration<boolean, CiCredentialKind | undefined, LoadKind | undefined, unknown>;
type Established = Record<string, unknown> & { ctx: ServerContext; req: RouteRequest; session?: UserSession; runner?: Runner };

export function defineRoute<
  const U extends boolean = false,
  const C extends CiCredentialKind | undefined = undefined,
  const L extends LoadKind | undefined = undefined,
  I extends CredentialInput<C> = CredentialInput<C>,
>(declaration: RouteDeclaration<U, C, L, I>): Route {
  // The type parameters tie the handler to what runRoute establishes for this declaration; past here they are erased.
  const d = declaration as unknown as AnyDeclaration;
  return {
    operationId: d.operationId,
    method: d.method,
    template: d.template,
    auth: { user: d.user === true, ci: d.ci },
    load: d.load,
    negativeIds: d.negativeIds === true,
    run: (ctx, req) => runRoute(d, ctx, req),
  };
}

async function runRoute(d: AnyDeclaration, ctx: ServerContext, req: RouteRequest): Promise<Reply> {
  const call: Established = { ctx, req };
  if (d.user) call.session = await authenticateUser(ctx, req);
  if (!d.ci) await load(d, call);
  if (d.body && req.bodyError) throw refuse('inputMalformed', req.bodyError);
  call.input = d.input?.(req);
  if (d.ci) {
    const credential = CI_CREDENTIALS[d.ci];
    (call as Record<string, unknown>)[credential.as] = credential.check(ctx, call.input as never);
    await load(d, call);
  }
  return d.handle(call as never);
}

async function load(d: AnyDeclaration, call: Established): Promise<void> {
  const { ctx, req } = call;
  if (d.load === 'project' || d.load === 'project-if-any') {
    const project = ctx.store.getProject(req.ids.id);
    if (!project && d.load === 'project') throw refuse('resourceUnknown', d.notFound);
    if (project && d.right) {
      if (!call.session) throw new Error(`${d.operationId}: a right needs the user credential`);
      await requireRight(ctx, call.session, d.right, project.gitlabId);
    }
    call.project = project;
  } else if (d.load === 'assigned-build') {
    const build = call.runner && ctx.store.assignedBuild(call.runner, req.ids.id);
    if (!build) throw refuse('buildNotAssigned');
    call.build = build;
  }
}
