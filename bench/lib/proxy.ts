// A loopback HTTP proxy for the bench: forwards every request to `target` over keep-alive connections,
// holds each response back for `delayMs` (network latency the suite must live with), and can record
// every exchange (method, URL, headers, body, status, response body, times) for the replay.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  /** Wall-clock ms (epoch) the request arrived and its response was sent back. */
  t0: number;
  t1: number;
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  responseBody: string;
}

export interface DelayProxy {
  url: string;
  /** Requests forwarded so far. */
  count(): number;
  /** What was recorded (empty unless `record`). */
  recorded: Recorded[];
  close(): Promise<void>;
}

const KEPT_HEADERS = ['content-type', 'accept', 'private-token'];
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'content-length', 'host']);

export const now = (): number => performance.timeOrigin + performance.now();

/** Request headers to forward: the client's, less hop-by-hop ones, for `target`. */
function forwardedHeaders(req: http.IncomingMessage, target: URL, body: Buffer): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
  headers.host = target.host;
  if (body.length) headers['content-length'] = body.length;
  return headers;
}

/** Sends the upstream answer back to the client (after the delay the caller chose). */
function reply(res: http.ServerResponse, response: http.IncomingMessage, answer: Buffer): void {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(response.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
  out['content-length'] = answer.length;
  res.writeHead(response.statusCode ?? 502, out);
  res.end(answer);
}

/** What the replay needs of one exchange. */
function record(req: http.IncomingMessage, body: Buffer, response: http.IncomingMessage, answer: Buffer, t0: number): Recorded {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) if (typeof req.headers[name] === 'string') kept[name] = req.headers[name] as string;
  return {
    t0,
    t1: now(),
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: kept,
    body: body.toString('utf8'),
    status: response.statusCode ?? 0,
    responseBody: answer.toString('utf8'),
  };
}

export async function startDelayProxy(options: { target: string; delayMs: number; record?: boolean }): Promise<DelayProxy> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true });
  const recorded: Recorded[] = [];
  let count = 0;

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, t0: number) => {
    const upstream = http.request({ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: forwardedHeaders(req, target, body), agent }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (c: Buffer) => parts.push(c));
      response.on('end', () => {
        const answer = Buffer.concat(parts);
        const done = () => {
          reply(res, response, answer);
          if (options.record) recorded.push(record(req, body, response, answer, t0));
        };
        if (options.delayMs > 0) setTimeout(done, options.delayMs);
        else done();
      });
    });
    upstream.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `bench proxy: ${error.message}` }));
    });
    upstream.end(body);
  };

  const server = http.createServer((req, res) => {
    const t0 = now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count += 1;
      forward(req, res, Buffer.concat(chunks), t0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => count,
    recorded,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
