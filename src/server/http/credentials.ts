// The four credentials of the API (the description's x-auth-methods) as the router checks them, before
// anything is looked up (AUTH-BEFORE-EXISTENCE): the GitLab user token & url against the trusted GitLab
// (Authentication #1) and the rights derived from it; the CI tokens (#2 to #4), which the domain knows.
import type { ServerContext } from '../context';
import type { Project, Runner, RunnerGrant, RunnerTombstone } from '../domain';
import type { GitlabUser } from '../identity';
import { refuse } from './errors';
import type { RouteRequest } from './route';

export interface UserSession {
  token: string;
  user: GitlabUser;
}

/**
 * Only visible ASCII makes a URL as it is sent: the URL parser would drop tabs and newlines inside it and
 * trim spaces around it (http://127.0.0.1:12<TAB>34 would pass for the trusted http://127.0.0.1:1234).
 */
const URL_CHARACTERS = /^[\x21-\x7e]+$/;

/** scheme://host[:port]/path without a trailing slash (lowercased scheme and host); undefined if not a URL. */
export function normaliseGitlabUrl(value: string): string | undefined {
  if (!URL_CHARACTERS.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** The private token of the request: the private_token query parameter, else the PRIVATE-TOKEN header. */
function userToken(req: RouteRequest): string | undefined {
  const fromQuery = req.query.private_token;
  if (typeof fromQuery === 'string' && fromQuery) return fromQuery;
  const header = req.headers['private-token'];
  return typeof header === 'string' && header ? header : undefined;
}

/**
 * The user whose private token came with the request, with the url of the trusted GitLab.
 * 401 when the token is missing, the url is missing or not the trusted GitLab, or GitLab does not know the token.
 * A profile may let any url through (GitLab CI 8.0 ignored it): the token is then asked of the trusted GitLab.
 */
export async function authenticateUser(ctx: ServerContext, req: RouteRequest): Promise<UserSession> {
  const token = userToken(req);
  if (!token) throw refuse('userTokenMissing');
  const url = req.query.url;
  const trusted = typeof url === 'string' && normaliseGitlabUrl(url) === ctx.gitlabUrl;
  if (!trusted && ctx.behaviour.refuses('gitlabUrlUntrusted', req.operationId)) throw refuse('gitlabUrlUntrusted');
  const user = await ctx.identity.user(token);
  if (!user) throw refuse('userTokenUnknown');
  return { token, user };
}

/** What a user may do with a GitLab project: see it, or manage it (master or owner). */
export type Right = 'access' | 'manage';

/** 403 unless the user has the right on the GitLab project. */
export async function requireRight(ctx: ServerContext, session: UserSession, right: Right, gitlabId: number): Promise<void> {
  if (right === 'manage' && !(await ctx.identity.canManage(session.token, gitlabId))) throw refuse('userMayNotManage');
  if (right === 'access' && !(await ctx.identity.canAccess(session.token, gitlabId))) throw refuse('userHasNoAccess');
}

/** A CI token and, for a project token, the id naming the project it must belong to. */
interface CiToken {
  token: string;
}
interface ProjectToken extends CiToken {
  projectId: number;
}

/**
 * The CI credentials a route can declare (`ci:`), what each proves and under which name the handler gets
 * it. The domain knows whose token is whose and refuses a wrong one (DomainError '...-token-refused': 403).
 */
export const CI_CREDENTIALS = {
  /** Authentication #2: the token of the CI project named by project_id. */
  project: {
    as: 'project',
    check: (ctx: ServerContext, c: ProjectToken): Project => {
      if (!ctx.store.getProject(c.projectId)) throw refuse('projectUnknownToToken');
      return ctx.store.authenticateProject(c.projectId, c.token);
    },
  },
  /** Authentication #2 where project_id is a GitLab id (POST /forks: the source project). */
  'project-of-gitlab-id': {
    as: 'source',
    check: (ctx: ServerContext, c: ProjectToken): Project => {
      if (!ctx.store.projectsForGitlabIds(new Set([c.projectId])).length) throw refuse('projectUnknownToToken');
      return ctx.store.authenticateProjectByGitlabId(c.projectId, c.token);
    },
  },
  /** Authentication #3: the runners registration token (a shared runner), or a project token (a runner specific to it). */
  registration: { as: 'grant', check: (ctx: ServerContext, c: CiToken): RunnerGrant => ctx.store.authenticateRegistration(c.token) },
  /** Authentication #4: the token of a live runner. */
  runner: { as: 'runner', check: (ctx: ServerContext, c: CiToken): Runner => ctx.store.authenticateRunner(c.token) },
  /** Authentication #4 for DELETE /runners/delete: the token of a runner deleted before is accepted too (idempotent). */
  'runner-or-deleted': {
    as: 'runner',
    check: (ctx: ServerContext, c: CiToken): Runner | RunnerTombstone => ctx.store.deletedRunner(c.token) ?? ctx.store.authenticateRunner(c.token),
  },
} as const;

export type CiCredentialKind = keyof typeof CI_CREDENTIALS;

/** What a route's input must carry for its CI credential. */
export type CredentialInput<K extends CiCredentialKind | undefined> = K extends CiCredentialKind ? Parameters<(typeof CI_CREDENTIALS)[K]['check']>[1] : unknown;

/** What the handler gets for a CI credential, e.g. { runner: Runner }. */
export type CiPrincipal<K extends CiCredentialKind | undefined> = K extends CiCredentialKind
  ? { [F in (typeof CI_CREDENTIALS)[K]['as']]: ReturnType<(typeof CI_CREDENTIALS)[K]['check']> }
  : unknown;
