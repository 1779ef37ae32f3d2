// The HTTP layer of the reference server: node:http, JSON in and out, every response
// `Content-Type: application/json`, every error {"message": "..."}.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hasFault, type ServerContext } from '../context';
import { CiStore, DomainError, randomToken, type IdGenerator, type TokenGenerator } from '../domain';
import { faultSet } from '../faults';
import { GitlabIdentityClient, IdentityUnavailableError, type IdentityProvider } from '../identity';
import { normaliseGitlabUrl } from './auth';
import { BodyTooLargeError, parseBody, parseUrlEncoded, readBody } from './body';
import { HttpError, fromDomainError, methodNotAllowed, notFoundError } from './errors';
import { ROUTES } from './routes';
import { Router, apiPath, type Reply, type Route, type RouteRequest } from './router';

export interface ReferenceServerOptions {
  /** The GitLab instance the server trusts for user tokens (its API v3 is asked about them). */
  gitlabUrl: string;
  /** The runners registration token; random when absent. */
  registrationToken?: string;
  /** Named faults for mutation testing (catalog: ../faults.ts); an unknown name is an error. */
  faults?: ReadonlySet<string>;
  /** Ids of new projects, runners, commits and builds; default sequential per kind (1, 2, 3, ...). */
  ids?: IdGenerator;
  /** Tokens of new projects and runners; default 22 alphanumerics (projects) and 30 hex digits (runners). */
  tokens?: TokenGenerator;
  /** Where unexpected server errors are reported; default stderr. */
  log?: (line: string) => void;
  /** Replaces the GitLab API client (tests). */
  identity?: IdentityProvider;
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
const RAW_CONTENT_TYPE = 'X-Raw-Content-Type';

function send(res: http.ServerResponse, reply: Reply): void {
  const { [RAW_CONTENT_TYPE]: rawType, ...headers } = reply.headers ?? {};
  // A raw Content-Type (only fault switches set one) sends the body as text, not JSON.
  const text = rawType ? String(reply.body) : JSON.stringify(reply.body ?? null);
  res.writeHead(reply.status, {
    ...headers,
    'Content-Type': rawType ?? JSON_TYPE,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) return { status: error.status, body: { message: error.message }, headers: error.headers };
  if (error instanceof DomainError) return errorReply(fromDomainError(error));
  if (error instanceof BodyTooLargeError) return { status: 413, body: { message: '413 Request Entity Too Large' } };
  if (error instanceof IdentityUnavailableError) return { status: 503, body: { message: `503 Service Unavailable: ${error.message}` } };
  return { status: 500, body: { message: '500 Internal Server Error' } };
}

export function createReferenceServer(options: ReferenceServerOptions): ReferenceServer {
  const gitlabUrl = normaliseGitlabUrl(options.gitlabUrl);
  if (!gitlabUrl) throw new Error(`not an http(s) URL: ${options.gitlabUrl}`);
  const registrationToken = options.registrationToken ?? randomToken(20);
  const context: ServerContext = {
    store: new CiStore({ registrationToken, ids: options.ids, tokens: options.tokens }),
    identity: options.identity ?? new GitlabIdentityClient(gitlabUrl),
    gitlabUrl,
    faults: faultSet(options.faults ?? []),
  };
  const router = new Router([...ROUTES]);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  async function dispatch(req: http.IncomingMessage, route: Route, pathParams: Record<string, string>, path: string, url: URL): Promise<Reply> {
    const raw = await readBody(req);
    if (hasFault(context, 'huge-value-500') && raw.length > 65_536) throw new RangeError('value too long for type character varying(65536)');
    let parsed = parseBody(raw, req.headers['content-type']);
    if (hasFault(context, 'malformed-json-500') && parsed.error) throw new SyntaxError(parsed.error);
    if (hasFault(context, 'form-body-refused') && /^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) parsed = { params: {}, error: 'form bodies are not supported' };
    const query = parseUrlEncoded(url.search.slice(1));
    const request: RouteRequest = {
      method: req.method ?? 'GET',
      path,
      pathParams,
      query,
      body: parsed.params,
      bodyError: parsed.error,
      params: { ...query, ...parsed.params },
      headers: req.headers,
    };
    return route.handler(context, request);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://reference.invalid');
    } catch {
      req.resume();
      send(res, errorReply(new HttpError(400, '400 (Bad request) unreadable request target')));
      return;
    }
    const path = apiPath(url.pathname);
    let match = path === undefined ? ({ kind: 'not-found' } as const) : router.match(req.method ?? 'GET', path);
    if (hasFault(context, 'json-suffix-404') && url.pathname.endsWith('.json')) match = { kind: 'not-found' };
    if (hasFault(context, 'method-not-allowed-404') && match.kind === 'method-not-allowed') match = { kind: 'not-found' };
    if (match.kind !== 'route') {
      // Unknown path or undocumented method: decided by the path alone, before any credential.
      req.resume();
      send(res, errorReply(match.kind === 'not-found' ? notFoundError() : methodNotAllowed(match.allow)));
      return;
    }
    let reply: Reply;
    try {
      reply = await dispatch(req, match.route, match.pathParams, path as string, url);
    } catch (error) {
      reply = errorReply(error);
      if (reply.status >= 500 && !(error instanceof IdentityUnavailableError)) {
        log(`reference server: ${req.method} ${url.pathname}: ${(error as Error)?.stack ?? String(error)}`);
      }
    }
    if (hasFault(context, 'not-found-as-text') && reply.status === 404) reply = { ...reply, body: 'Not Found', headers: { [RAW_CONTENT_TYPE]: 'text/plain' } };
    if (!res.headersSent && !res.destroyed) send(res, reply);
  }

  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = 10_000;
  server.on('clientError', (_error, socket) => {
    if (!socket.writable) return;
    const body = JSON.stringify({ message: '400 (Bad request) malformed HTTP request' });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  return {
    context,
    registrationToken,
    server,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const { port: actual } = server.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${actual}`);
        });
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
