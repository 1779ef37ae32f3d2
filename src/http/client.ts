// Where HTTP happens: one client per target over node:http/node:https with keep-alive, a per-request
// timeout and at most `concurrency` requests in flight. What goes on the wire is decided by wire.ts and
// written as is: no library transforms a request or a response (no automatic headers, no JSON
// re-encoding, no decompression). Every call answers an ApiResponse carrying the exchange as it went
// over the wire (never throws for a status code); a request that got no answer throws a TransportError
// whose message names the cause and the request, and which carries what was sent.
//
// A run can be told to stop sending (SIGINT/SIGTERM, or the end of the run while a timed-out case still
// runs in the background): when the file named by STOP_FILE_VARIABLE exists, no new request leaves and
// send() throws a TransportError with code STOPPED. The variable travels in the environment because the
// suite files run in Jest's sandboxes, which share no module state with the runner but do get a copy of
// its environment.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { ApiRequest, ApiResponse, Transport, WireRequest, WireResponse } from './types';
import { Semaphore } from './semaphore';
import { wireRequestOf } from './wire';

export interface HttpClientOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:4000/api/v1 */
  baseUrl: string;
  timeoutMs: number;
  concurrency: number;
  /**
   * Whether this client obeys the run's stop file (default true). The runner's own client does not: it
   * is the one that removes what the run created once the suites were stopped.
   */
  obeysStop?: boolean;
  /** Told about every exchange (request counting, evidence); must not throw. */
  onExchange?: (request: ApiRequest, outcome: ApiResponse | TransportError) => void;
}

export const STOP_FILE_VARIABLE = 'GITLAB_CI_CONFORMANCE_STOP_FILE';

/** The cause of a request that was never sent because the run is stopping. */
export const NOT_SENT_STOPPING = 'not sent: the run is stopping';

export class TransportError extends Error {
  override readonly name = 'TransportError';
  /** The cause alone ("connection refused", "timed out after 500 ms"). */
  readonly reason: string;
  constructor(
    reason: string,
    readonly code: string,
    /** The request that failed, method and path only (never its query, headers or body: they hold tokens). */
    readonly request?: { method: string; path: string },
    /** What was written (or about to be) when the answer failed to come; absent when nothing was sent. */
    readonly sent?: { request: WireRequest; startedAt: number; durationMs: number },
  ) {
    super(request ? `${reason} (${request.method} ${request.path})` : reason);
    this.reason = reason;
  }

  /** Whether the server may have received the request, and so acted on it (it was written, or a connection was open). */
  get mayHaveArrived(): boolean {
    return this.sent !== undefined && !NEVER_CONNECTED.has(this.code);
  }
}

/** Codes of a request that never reached a server: no connection was made. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'STOPPED']);

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name could not be resolved',
  EPIPE: 'connection closed by the server',
};

/**
 * How many bytes of response headers are read: HTTP sets no limit, and Node's default (16 KiB) would
 * turn a long but valid header (a server echoing a 100 KB parameter) into a failure of the client.
 */
const MAX_HEADER_BYTES = 1024 * 1024;

/** Wall-clock milliseconds since the epoch, with sub-millisecond precision. */
const now = (): number => performance.timeOrigin + performance.now();

/**
 * How long a kept-alive connection may wait for its next request before it is closed. A server closes idle
 * connections too (Node's after 5 s): a request written on one just as the server closes it is reset
 * unanswered. On a busy machine a connection can wait that long (set-ups made before a slow process
 * starts); Node's agent closes it after this (or the server's Keep-Alive hint less a second, if shorter).
 */
export const IDLE_SOCKET_MS = 1_000;

export class HttpClient implements Transport {
  private readonly slots: Semaphore;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(private readonly options: HttpClientOptions) {
    this.slots = new Semaphore(options.concurrency);
    const secure = new URL(options.baseUrl).protocol === 'https:';
    this.transport = secure ? https : http;
    this.agent = new (secure ? https : http).Agent({ keepAlive: true, maxSockets: options.concurrency, timeout: IDLE_SOCKET_MS });
  }

  async send(request: ApiRequest): Promise<ApiResponse> {
    const release = await this.slots.acquire();
    const what = { method: request.method, path: request.path };
    try {
      const stopFile = this.options.obeysStop === false ? undefined : process.env[STOP_FILE_VARIABLE];
      if (stopFile && fs.existsSync(stopFile)) throw new TransportError(NOT_SENT_STOPPING, 'STOPPED', what);
      const wire = wireRequestOf(this.options.baseUrl, request);
      const startedAt = now();
      const response = await this.exchange(wire).catch((failure: { reason: string; code: string }) => {
        throw new TransportError(failure.reason, failure.code, what, { request: wire, startedAt, durationMs: now() - startedAt });
      });
      const outcome = toApiResponse({ request: wire, response, startedAt, durationMs: now() - startedAt });
      this.options.onExchange?.(request, outcome);
      return outcome;
    } catch (error) {
      const failure = error instanceof TransportError ? error : new TransportError(error instanceof Error ? error.message : String(error), 'UNKNOWN', what);
      this.options.onExchange?.(request, failure);
      throw failure;
    } finally {
      release();
    }
  }

  /** Writes the request exactly as given and reads the whole answer, within the timeout. */
  private exchange(wire: WireRequest): Promise<WireResponse> {
    const url = new URL(wire.url);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (reason: string, code: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outgoing.destroy();
        reject({ reason, code });
      };
      const outgoing = this.transport.request({
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port,
        method: wire.method,
        path: wire.target,
        setHost: false,
        agent: this.agent,
        maxHeaderSize: MAX_HEADER_BYTES,
      });
      // Written in this order and case. Node adds a framing header of its own to a POST, PUT or PATCH
      // without one (Transfer-Encoding: chunked, or Content-Length: 0): a request without a body says so.
      for (const [name, value] of wire.headers) outgoing.setHeader(name, value);
      if (!wire.body) for (const framing of ['Content-Length', 'Transfer-Encoding']) outgoing.removeHeader(framing);
      const timer = setTimeout(() => fail(`timed out after ${this.options.timeoutMs} ms`, 'TIMEOUT'), this.options.timeoutMs);
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? 'ERR_NETWORK';
        fail(code.startsWith('HPE_') ? 'malformed HTTP response' : (CAUSES[code] ?? `${code}: ${error.message}`), code);
      });
      outgoing.on('response', (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', () => undefined); // the 'close' below says what happened
        incoming.on('close', () => {
          if (!incoming.complete) return fail('truncated response: the connection closed before the whole body arrived', 'TRUNCATED');
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            httpVersion: incoming.httpVersion,
            status: incoming.statusCode ?? 0,
            statusText: incoming.statusMessage ?? '',
            headers: pairs(incoming.rawHeaders),
            body: Buffer.concat(chunks),
          });
        });
      });
      outgoing.end(wire.body);
    });
  }
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

function toApiResponse(wire: ApiResponse['wire']): ApiResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of wire.response.headers) {
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  const text = wire.response.body.toString('utf8');
  const common = { status: wire.response.status, headers, text, durationMs: Math.round(wire.durationMs), wire };
  try {
    return { ...common, body: JSON.parse(text) };
  } catch {
    return { ...common, body: undefined, notJson: true };
  }
}
