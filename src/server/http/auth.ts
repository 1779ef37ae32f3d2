// Authentication #1 (GitLab user token & url) against the trusted GitLab, and the rights derived from it.
// CI tokens (project, registration, runner) are checked by the domain itself.
import type { ServerContext } from '../context';
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
  const fromQuery = forms.includes('query') ? req.query.private_token : undefined;
  const header = forms.includes('header') ? req.headers['private-token'] : undefined;
  const token = typeof fromQuery === 'string' && fromQuery ? fromQuery : typeof header === 'string' && header ? header : undefined;
  if (!token) throw unauthorized();
  const url = req.query.url;
  if (typeof url !== 'string' || normaliseGitlabUrl(url) !== ctx.gitlabUrl) throw unauthorized();
  const user = await ctx.identity.user(token);
  if (!user) throw unauthorized();
  return { token, user };
}

/** 403 unless the user can manage (master or owner) the GitLab project. */
export async function requireManage(ctx: ServerContext, session: UserSession, gitlabId: number): Promise<void> {
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
