// Where HTTP happens: one axios instance per target with keep-alive, a per-request timeout and at most
// `concurrency` requests in flight. Every call answers an ApiResponse (never throws for a status code);
// network failures throw a TransportError whose message names the cause and the request.
//
// A run can be told to stop sending (SIGINT/SIGTERM, or the end of the run while a timed-out case still
// runs in the background): when the file named by STOP_FILE_VARIABLE exists, no new request leaves and
// send() throws a TransportError with code STOPPED. The variable travels in the environment because the
// suite files run in Jest's sandboxes, which share no module state with the runner but do get a copy of
// its environment.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, AxiosError } from 'axios';
import type { ApiRequest, ApiResponse, Transport } from './types';
import { Semaphore } from './semaphore';
import { encodeForm } from './form';

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
  ) {
    super(request ? `${reason} (${request.method} ${request.path})` : reason);
    this.reason = reason;
  }
}

export class HttpClient implements Transport {
  private readonly axios: AxiosInstance;
  private readonly slots: Semaphore;

  constructor(private readonly options: HttpClientOptions) {
    this.slots = new Semaphore(options.concurrency);
    this.axios = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: options.concurrency }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: options.concurrency }),
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      proxy: false,
    });
  }

  async send(request: ApiRequest): Promise<ApiResponse> {
    const release = await this.slots.acquire();
    const started = performance.now();
    const stopFile = this.options.obeysStop === false ? undefined : process.env[STOP_FILE_VARIABLE];
    if (stopFile && fs.existsSync(stopFile)) {
      release();
      const stopped = new TransportError(NOT_SENT_STOPPING, 'STOPPED', { method: request.method, path: request.path });
      this.options.onExchange?.(request, stopped);
      throw stopped;
    }
    try {
      const response = await this.axios.request<string>({
        method: request.method,
        url: request.path,
        params: request.query,
        headers: { Accept: 'application/json', ...headersFor(request), ...request.headers },
        data: bodyFor(request),
      });
      const outcome = toApiResponse(response.status, response.headers as Record<string, unknown>, response.data, started);
      this.options.onExchange?.(request, outcome);
      return outcome;
    } catch (error) {
      const failure = toTransportError(error, this.options.timeoutMs, { method: request.method, path: request.path });
      this.options.onExchange?.(request, failure);
      throw failure;
    } finally {
      release();
    }
  }
}

function headersFor(request: ApiRequest): Record<string, string> {
  if (request.rawBody !== undefined) return { 'Content-Type': request.contentType ?? 'application/json' };
  if (request.body === undefined) return {};
  return {
    'Content-Type':
      request.contentType ?? (request.encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json'),
  };
}

function bodyFor(request: ApiRequest): string | undefined {
  if (request.rawBody !== undefined) return request.rawBody;
  if (request.body === undefined) return undefined;
  return request.encoding === 'form' ? encodeForm(request.body) : JSON.stringify(request.body);
}

function toApiResponse(status: number, rawHeaders: Record<string, unknown>, data: string, started: number): ApiResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawHeaders)) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  const text = typeof data === 'string' ? data : String(data ?? '');
  const durationMs = Math.round(performance.now() - started);
  try {
    return { status, headers, body: JSON.parse(text), text, durationMs };
  } catch {
    return { status, headers, body: undefined, text, notJson: true, durationMs };
  }
}

function toTransportError(error: unknown, timeoutMs: number, request: { method: string; path: string }): TransportError {
  if (error instanceof AxiosError) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
      return new TransportError(`timed out after ${timeoutMs} ms`, 'TIMEOUT', request);
    }
    // The status line and headers came, then the connection closed before the whole body did.
    if (error.code === 'ERR_BAD_RESPONSE' && /aborted|premature|ended/i.test(error.message)) {
      return new TransportError('truncated response: the connection closed before the whole body arrived', 'TRUNCATED', request);
    }
    const code = error.code ?? 'ERR_NETWORK';
    const causes: Record<string, string> = {
      ECONNREFUSED: 'connection refused',
      ECONNRESET: 'connection reset by the server',
      ENOTFOUND: 'unknown host',
      EAI_AGAIN: 'host name could not be resolved',
      EPIPE: 'connection closed by the server',
      ERR_BAD_RESPONSE: 'malformed HTTP response',
    };
    return new TransportError(causes[code] ?? `${code}: ${error.message}`, code, request);
  }
  return new TransportError(error instanceof Error ? error.message : String(error), 'UNKNOWN', request);
}
