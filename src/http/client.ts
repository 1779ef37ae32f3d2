// Where HTTP happens: one axios instance per target with keep-alive, a per-request timeout and at most
// `concurrency` requests in flight. Every call answers an ApiResponse (never throws for a status code);
// network failures throw a TransportError whose message names the cause.
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
  /** Told about every exchange (request counting, evidence); must not throw. */
  onExchange?: (request: ApiRequest, outcome: ApiResponse | TransportError) => void;
}

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
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
      const failure = toTransportError(error, this.options.timeoutMs);
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

function toTransportError(error: unknown, timeoutMs: number): TransportError {
  if (error instanceof AxiosError) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
      return new TransportError(`timed out after ${timeoutMs} ms`, 'TIMEOUT');
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
    return new TransportError(causes[code] ?? `${code}: ${error.message}`, code);
  }
  return new TransportError(error instanceof Error ? error.message : String(error), 'UNKNOWN');
}
