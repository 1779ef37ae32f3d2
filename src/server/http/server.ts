// The HTTP layer of the reference server: node:http, JSON in and out, every response
// `Content-Type: application/json`, every error {"message": "..."}.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerContext } from '../context';
import { CiStore, randomToken, type IdGenerator, type TokenGenerator } from '../domain';
import { GitlabIdentityClient, type IdentityProvider } from '../identity';
import { parseBody, parseUrlEncoded, readBody } from './body';
import { normaliseGitlabUrl } from './credentials';
import { behaviourOf, STRICT_BEHAVIOUR } from './behaviour';
import { Refusal, refuse, replyOf, settled, type DecisionName, type Reply } from './errors';
import type { RouteRequest } from './route';
import { ROUTES } from './routes';
import { requestTarget } from '../../http/request-target';
import { Router, apiPath, type RouteMatch } from './router';

export interface ReferenceServerOptions {
  /** The GitLab instance the server trusts for user tokens (its API v3 is asked about them). */
  gitlabUrl: string;
  /** The runners registration token; random when absent. */
  registrationToken?: string;
  /** Ids of new projects, runners, commits and builds; default sequential per kind (1, 2, 3, ...). */
  ids?: IdGenerator;
  /** Tokens of new projects and runners; default 22 alphanumerics (projects) and 30 hex digits (runners). */
  tokens?: TokenGenerator;
  /** Where unexpected server errors are reported; default stderr. */
  log?: (line: string) => void;
  /** Replaces the GitLab API client (tests). */
  identity?: IdentityProvider;
  /** Answer as this profile of spec/rules.yaml says the original server did (default: strict). */
  behave?: string;
}

export interface ReferenceServer {
  readonly context: ServerContext;
  readonly registrationToken: string;
  /** The node:http server (not listening until listen()). */
  readonly server: http.Server;
  /** Starts listening; resolves with the base URL (the API is at {url}/api/v1). */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';

function send(res: http.ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body ?? null);
  res.writeHead(reply.status, { ...reply.headers, 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function createContext(options: ReferenceServerOptions): ServerContext {
  const gitlabUrl = normaliseGitlabUrl(options.gitlabUrl);
  if (!gitlabUrl) throw new Error(`not an http(s) URL: ${options.gitlabUrl}`);
  const registrationToken = options.registrationToken ?? randomToken(20);
  return {
    store: new CiStore({ registrationToken, ids: options.ids, tokens: options.tokens }),
    identity: options.identity ?? new GitlabIdentityClient(gitlabUrl),
    gitlabUrl,
    behaviour: options.behave === undefined || options.behave === STRICT_BEHAVIOUR.profile ? STRICT_BEHAVIOUR : behaviourOf(options.behave),
  };
}

/** The parameters of a request for a route: query, body (JSON or form) and the path's ids. */
async function routeRequest(req: http.IncomingMessage, url: URL, match: Extract<RouteMatch, { kind: 'route' }>): Promise<RouteRequest> {
  const parsed = parseBody(await readBody(req), req.headers['content-type']);
  const query = parseUrlEncoded(url.search.slice(1));
  return {
    operationId: match.route.operationId,
    method: req.method ?? 'GET',
    path: match.path,
    pathParams: match.pathParams,
    ids: match.ids,
    query,
    body: parsed.params,
    bodyError: parsed.error,
    params: { ...query, ...parsed.params },
    headers: req.headers,
  };
}

/** Answers one request; a failure becomes the reply of its decision (a 5xx is logged, but for GitLab being unreachable). */
async function answer(context: ServerContext, router: Router, req: http.IncomingMessage, log: (line: string) => void): Promise<Reply> {
  const url = requestTarget(req.url ?? '/');
  let operationId: string | undefined;
  const statusOf = (decision: DecisionName) => context.behaviour.statusOf(decision, operationId);
  try {
    if (!url) throw refuse('requestUnreadable', 'unreadable request target');
    const match = router.match(req.method ?? 'GET', apiPath(url.pathname));
    // Unknown path or undocumented method: decided by the path alone, before any credential.
    if (match.kind === 'not-found') throw refuse('pathUnknown');
    if (match.kind === 'method-not-allowed') throw new Refusal('methodNotAllowed', undefined, { Allow: match.allow.join(', ') });
    operationId = match.route.operationId;
    return settled(await match.route.run(context, await routeRequest(req, url, match)), statusOf);
  } catch (error) {
    req.resume();
    const reply = replyOf(error, statusOf);
    if (reply.decision === 'serverError') log(`reference server: ${req.method} ${url?.pathname}: ${(error as Error)?.stack ?? String(error)}`);
    return reply;
  }
}

export function createReferenceServer(options: ReferenceServerOptions): ReferenceServer {
  const context = createContext(options);
  const router = new Router(ROUTES);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const server = http.createServer((req, res) => {
    void answer(context, router, req, log).then((reply) => {
      if (!res.headersSent && !res.destroyed) send(res, reply);
    });
  });
  server.keepAliveTimeout = 10_000;
  server.on('clientError', (_error, socket) => {
    if (!socket.writable) return;
    const body = JSON.stringify({ message: '400 (Bad request) malformed HTTP request' });
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  return { context, registrationToken: context.store.registrationToken, server, listen: (port, host) => listen(server, port, host), close: () => close(server) };
}

function listen(server: http.Server, port = 0, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const { port: actual } = server.address() as AddressInfo;
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${actual}`);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
