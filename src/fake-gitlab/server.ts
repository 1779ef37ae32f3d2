// The fake GitLab identity service: the GitLab API v3 calls a GitLab CI server makes to authenticate a
// user token and to decide what the user may do (see README, "The embedded reference server").
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestTarget } from '../http/request-target';
import { ACCESS, loadGitlabData, type FakeProject, type FakeUser, type GitlabData, type UserRole } from './fixtures';

export interface FakeGitlabOptions {
  port?: number;
  host?: string;
}

export interface FakeGitlab {
  /** Base URL, e.g. http://127.0.0.1:40123 (no trailing slash); the API is at {url}/api/v3. */
  url: string;
  /** The private token of each fixture user. */
  users: Record<UserRole, string>;
  close(): Promise<void>;
}

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const msg = (status: number, message: string): Reply => ({ status, body: { message } });
const UNAUTHORIZED = msg(401, '401 Unauthorized');
const NOT_FOUND = msg(404, '404 Not Found');
const FORBIDDEN = msg(403, '403 Forbidden');

function send(res: http.ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...reply.headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function positiveInt(value: string | null, fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  const n = Number(value);
  return n >= 1 ? n : fallback;
}

function paginate(url: URL, items: unknown[]): Reply {
  const perPage = Math.min(positiveInt(url.searchParams.get('per_page'), DEFAULT_PER_PAGE), MAX_PER_PAGE);
  const page = positiveInt(url.searchParams.get('page'), 1);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const body = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string): string => {
    const u = new URL(url.href);
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    return `<${u.href}>; rel="${rel}"`;
  };
  const links = [link(1, 'first'), link(totalPages, 'last')];
  if (page < totalPages) links.unshift(link(page + 1, 'next'));
  if (page > 1 && page <= totalPages) links.unshift(link(page - 1, 'prev'));
  return {
    status: 200,
    body,
    headers: {
      'X-Total': String(items.length),
      'X-Total-Pages': String(totalPages),
      'X-Per-Page': String(perPage),
      'X-Page': String(page),
      'X-Next-Page': page < totalPages ? String(page + 1) : '',
      'X-Prev-Page': page > 1 ? String(page - 1) : '',
      Link: links.join(', '),
    },
  };
}

function accessOf(project: FakeProject, user: FakeUser): number {
  return project.access.get(user.id) ?? 0;
}

function withPermissions(project: FakeProject, user: FakeUser): Record<string, unknown> {
  const level = accessOf(project, user);
  return {
    ...project.json,
    permissions: {
      project_access: level ? { access_level: level, notification_level: 3 } : null,
      group_access: null,
    },
  };
}

/** Answers one request of the GitLab API v3 subset (pure: data in, reply out). */
function answer(data: GitlabData, method: string, url: URL, headers: http.IncomingHttpHeaders): Reply {
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.startsWith('/api/v3/')) return NOT_FOUND;
  if (method !== 'GET' && method !== 'HEAD') return msg(405, '405 Method Not Allowed');
  const header = headers['private-token'];
  const token = url.searchParams.get('private_token') ?? (typeof header === 'string' ? header : undefined);
  const user = token ? data.usersByToken.get(token) : undefined;
  if (!user) return UNAUTHORIZED;

  const segments = path.slice('/api/v3/'.length).split('/');
  if (segments.length === 1 && segments[0] === 'user') return { status: 200, body: user.json };
  if (segments[0] !== 'projects') return NOT_FOUND;
  if (segments.length === 1) {
    return paginate(url, data.projects.filter((p) => accessOf(p, user) > 0).map((p) => p.json));
  }
  if (segments.length === 2 && segments[1] === 'owned') {
    return paginate(url, data.projects.filter((p) => p.ownerRole === user.role).map((p) => p.json));
  }
  if (!/^\d+$/.test(segments[1])) return NOT_FOUND;
  const project = data.projectsById.get(Number(segments[1]));
  if (!project || accessOf(project, user) === 0) return NOT_FOUND;
  if (segments.length === 2) return { status: 200, body: withPermissions(project, user) };
  if (segments.length === 3 && segments[2] === 'hooks') {
    return accessOf(project, user) >= ACCESS.master ? { status: 200, body: [] } : FORBIDDEN;
  }
  return NOT_FOUND;
}

/** Starts the fake GitLab on host:port (default 127.0.0.1, any free port). */
export function startFakeGitlab(options: FakeGitlabOptions = {}): Promise<FakeGitlab> {
  const host = options.host ?? '127.0.0.1';
  let data: GitlabData | undefined;
  const server = http.createServer((req, res) => {
    const url = requestTarget(req.url ?? '/');
    if (!url) {
      send(res, msg(400, '400 (Bad request)'));
      return;
    }
    // Request bodies are not used; drain them.
    req.resume();
    send(res, data ? answer(data, req.method ?? 'GET', url, req.headers) : msg(503, '503 Starting'));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      try {
        data = loadGitlabData(url);
      } catch (error) {
        server.close();
        reject(error);
        return;
      }
      const users = Object.fromEntries(data.users.map((u) => [u.role, u.private_token])) as Record<UserRole, string>;
      resolve({
        url,
        users,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
