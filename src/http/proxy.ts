// A small generic HTTP proxy: every request is forwarded to `target`, the whole upstream response is read
// and may be replaced before it goes back. Used wherever a server must be seen through something that
// records or changes its answers: Pact verification records what replayed requests create, tests break
// one expectation, and the mutation tests put faults in front of the reference server (src/faults/).
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

/** Sends a request to the target and reads its whole answer. */
export type Forward = (request: ProxiedRequest) => Promise<ProxiedResponse>;

/** Answers one request: usually by forwarding it (edited or not); may also answer on its own or send others first. */
export type Exchange = (request: ProxiedRequest, forward: Forward) => Promise<ProxiedResponse>;

export interface ProxyOptions {
  /** Base URL the requests are forwarded to (its path, if any, is prefixed to every request path). */
  target: string;
  /** Answers the response to send back; undefined keeps the upstream one. May be async. */
  rewrite?: (request: ProxiedRequest, response: ProxiedResponse) => ProxiedResponse | undefined | void | Promise<ProxiedResponse | undefined | void>;
  /** Edits the request before it is forwarded; undefined keeps it. */
  rewriteRequest?: (request: ProxiedRequest) => ProxiedRequest | undefined | void;
  /** Takes over the whole exchange (then `rewrite` and `rewriteRequest` are not used). */
  exchange?: Exchange;
  host?: string;
  port?: number;
  /** Closes the connection after every response (sends `Connection: close`), as some servers and balancers do. */
  connectionClose?: boolean;
}

export interface RunningProxy {
  url: string;
  close(): Promise<void>;
}

// Hop-by-hop headers are the proxy's own business; content-length is recomputed for rewritten bodies.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'content-length']);

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const forward = forwarder(new URL(options.target));
  const exchange: Exchange =
    options.exchange ??
    (async (received, send) => {
      const request = options.rewriteRequest?.(received) ?? received;
      const upstream = await send(request);
      return (await options.rewrite?.(request, upstream)) ?? upstream;
    });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const request: ProxiedRequest = { method: req.method ?? 'GET', url, path: url.split('?')[0], headers: req.headers, body: Buffer.concat(chunks) };
      exchange(request, forward.send).then(
        (response) => {
          const headers: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(response.headers)) if (!HOP_BY_HOP.has(name.toLowerCase())) headers[name] = value;
          headers['content-length'] = String(response.body.length);
          if (options.connectionClose) headers.connection = 'close';
          res.writeHead(response.status, headers);
          res.end(response.body);
        },
        (error: Error) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: `proxy: upstream failed: ${error.message}` }));
        },
      );
    });
  });

  // A request the proxy cannot parse (e.g. a 100 KB URL: HPE_HEADER_OVERFLOW) is answered and the socket
  // ended gracefully. Node's default writes the answer and destroys the socket while the client may still
  // be sending, which the client sees as a connection reset rather than a 4xx.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const body = JSON.stringify({ message: `proxy: ${status}` });
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
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
        forward.agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends requests to the target over one keep-alive agent. */
function forwarder(target: URL): { send: Forward; agent: http.Agent } {
  const basePath = target.pathname.replace(/\/+$/, '');
  const client = target.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true });
  const send: Forward = (request) =>
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
  return { send, agent };
}

/** A JSON body of a proxied response, or undefined. */
export function jsonOf(response: ProxiedResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
