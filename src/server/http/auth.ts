// Authentication #1 (GitLab user token & url) against the trusted GitLab, and the rights derived from it;
// the CI tokens (project, runner) as the handlers see them. The domain itself decides which CI token is
// whose; the fault switches of mutation testing (../faults.ts) that spoil authentication sit here.
import { hasFault, type ServerContext } from '../context';
import type { Project, Runner } from '../domain';
import type { GitlabUser } from '../identity';
import { badRequest, forbiddenError, unauthorized } from './errors';
import type { RouteRequest } from './router';

export interface UserSession {
  token: string;
  user: GitlabUser;
}

/** scheme://host[:port]/path without a trailing slash (lowercased scheme and host); undefined if not a URL. */
export function normaliseGitlabUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

export type UserTokenForm = 'query' | 'header';

/**
 * The user whose private token came with the request, with the url of the trusted GitLab.
 * 401 when the token is missing, the url is missing or not the trusted GitLab, or GitLab does not know the token.
 */
export async function authenticateUser(
  ctx: ServerContext,
  req: RouteRequest,
  forms: readonly UserTokenForm[] = ['query', 'header'],
): Promise<UserSession> {
  if (hasFault(ctx, 'user-token-header-ignored')) forms = forms.filter((f) => f !== 'header');
  const fromQuery = forms.includes('query') ? req.query.private_token : undefined;
  const header = forms.includes('header') ? req.headers['private-token'] : undefined;
  const token = typeof fromQuery === 'string' && fromQuery ? fromQuery : typeof header === 'string' && header ? header : undefined;
  if (!token && hasFault(ctx, 'user-token-missing-accepted')) return anonymous('');
  if (!token) throw unauthorized();
  let url = req.query.url;
  if (hasFault(ctx, 'untrusted-url-accepted')) url = ctx.gitlabUrl;
  if (typeof url !== 'string' || normaliseGitlabUrl(url) !== ctx.gitlabUrl) throw unauthorized();
  const user = await ctx.identity.user(token);
  if (!user && hasFault(ctx, 'user-token-invalid-accepted')) return anonymous(token);
  if (!user && hasFault(ctx, 'user-token-ci-token-accepted') && ctx.store.tokenKind(token) !== undefined) return anonymous(token);
  if (!user) throw unauthorized();
  return { token, user };
}

/** The session a broken server makes up for a request it should have refused (fault switches only). */
function anonymous(token: string): UserSession {
  return { token, user: { id: 0, username: 'anonymous' } };
}

/** 403 unless the user can manage (master or owner) the GitLab project. */
export async function requireManage(ctx: ServerContext, session: UserSession, gitlabId: number): Promise<void> {
  if (hasFault(ctx, 'developer-may-manage')) return requireAccess(ctx, session, gitlabId);
  if (!(await ctx.identity.canManage(session.token, gitlabId))) throw forbiddenError();
}

/** 403 unless the user can see the GitLab project. */
export async function requireAccess(ctx: ServerContext, session: UserSession, gitlabId: number): Promise<void> {
  if (!(await ctx.identity.canAccess(session.token, gitlabId))) throw forbiddenError();
}

/** 400 when the body of an operation that reads one could not be read. */
export function requireReadableBody(req: RouteRequest): void {
  if (req.bodyError) throw badRequest(req.bodyError);
}

/** The project named by projectId, if token is its project token; 403 otherwise (also for an unknown id). */
export function authenticateProjectToken(ctx: ServerContext, projectId: number, token: string): Project {
  const named = ctx.store.getProject(projectId);
  if (named && hasFault(ctx, 'project-token-unknown-accepted') && ctx.store.tokenKind(token) === undefined) return named;
  if (named && hasFault(ctx, 'project-token-any-project') && ctx.store.tokenKind(token) === 'project') return named;
  if (named && hasFault(ctx, 'project-token-runner-token-accepted') && ctx.store.runnerByToken(token)?.projectIds.has(projectId)) return named;
  return ctx.store.authenticateProject(projectId, token);
}

/** The live runner whose token this is; 403 for any other token (a deleted runner's included). */
export function authenticateRunnerToken(ctx: ServerContext, token: string): Runner {
  const tombstone = ctx.store.deletedRunner(token);
  if (tombstone && hasFault(ctx, 'runner-token-deleted-valid')) return ghostRunner(tombstone.id, token, false);
  if (token === ctx.store.registrationToken && hasFault(ctx, 'runner-token-registration-accepted')) return ghostRunner(0, token, true);
  return ctx.store.authenticateRunner(token);
}

/** A runner the store does not hold, for a token a broken server accepts (fault switches only). */
function ghostRunner(id: number, token: string, isShared: boolean): Runner {
  const at = new Date().toISOString();
  return { id, token, description: null, tags: [], isShared, projectIds: new Set(), info: {}, createdAt: at, updatedAt: at, contactedAt: null };
}
