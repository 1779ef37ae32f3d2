// A tiny generic HTTP proxy for putting faults (or a recorder) in front of a server: every request is
// forwarded to `target` as it came, the whole upstream response is read, and `rewrite` may replace it
// before it goes back. Used to see checks fail against a server that breaks one expectation (Pact
// verification, mutation testing) and by provider verification to record what replayed requests create.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query as received, e.g. "/api/v1/builds/register.json?x=1". */
  url: string;
  /** The path without the query. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export interface FaultProxyOptions {
  /** Base URL the requests are forwarded to (its path, if any, is prefixed to every request path). */
  target: string;
  /** Answers the response to send back; undefined keeps the upstream one. May be async. */
  rewrite?: (request: ProxiedRequest, response: ProxiedResponse) => ProxiedResponse | undefined | void | Promise<ProxiedResponse | undefined | void>;
  /** Edits the request before it is forwarded; undefined keeps it. */
  rewriteRequest?: (request: ProxiedRequest) => ProxiedRequest | undefined | void;
  host?: string;
  port?: number;
  /** Closes the connection after every response (sends `Connection: close`), as some servers and balancers do. */
  connectionClose?: boolean;
}

export interface FaultProxy {
  url: string;
  close(): Promise<void>;
}

// Hop-by-hop headers are the proxy's own business; content-length is recomputed for rewritten bodies.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'content-length']);

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const basePath = target.pathname.replace(/\/+$/, '');
  const client = target.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      let request: ProxiedRequest = { method: req.method ?? 'GET', url, path: url.split('?')[0], headers: req.headers, body: Buffer.concat(chunks) };
      request = options.rewriteRequest?.(request) ?? request;
      forward(request)
        .then(async (upstream) => (await options.rewrite?.(request, upstream)) ?? upstream)
        .then((response) => {
          const headers: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(response.headers)) if (!HOP_BY_HOP.has(name.toLowerCase())) headers[name] = value;
          headers['content-length'] = String(response.body.length);
          if (options.connectionClose) headers.connection = 'close';
          res.writeHead(response.status, headers);
          res.end(response.body);
        })
        .catch((error: Error) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: `fault proxy: upstream failed: ${error.message}` }));
        });
    });
  });

  // A request the proxy cannot parse (e.g. a 100 KB URL: HPE_HEADER_OVERFLOW) is answered and the socket
  // ended gracefully. Node's default writes the answer and destroys the socket while the client may still
  // be sending, which the client sees as a connection reset rather than a 4xx.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const body = JSON.stringify({ message: `fault proxy: ${status}` });
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  const forward = (request: ProxiedRequest): Promise<ProxiedResponse> =>
    new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
      headers.host = target.host;
      if (request.body.length > 0) headers['content-length'] = request.body.length;
      const upstream = client.request(
        { protocol: target.protocol, hostname: target.hostname, port: target.port, method: request.method, path: `${basePath}${request.url}`, headers, agent },
        (response) => {
          const body: Buffer[] = [];
          response.on('data', (c: Buffer) => body.push(c));
          response.on('end', () => {
            const out: Record<string, string | string[]> = {};
            for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) out[name] = value;
            resolve({ status: response.statusCode ?? 502, headers: out, body: Buffer.concat(body) });
          });
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(request.body);
    });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON body of a proxied response, or undefined. */
export function jsonOf(response: ProxiedResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
