// Where HTTP happens: the one request/response shape every part of the product uses
// (suites, state set-up and clean-up, typed clients, Pact state handlers).

export type BodyEncoding = 'json' | 'form';

export interface ApiRequest {
  method: string;
  /** Path below the API base, e.g. "/projects/12" or "/builds/register.json". */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** A value to send as the body; encoded per `encoding` (JSON by default). */
  body?: unknown;
  encoding?: BodyEncoding;
  /** A body sent verbatim (malformed-input checks); wins over `body`. */
  rawBody?: string;
  contentType?: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when the body is not JSON (see `text`). */
  body: unknown;
  text: string;
  /** Set when the body could not be parsed as JSON. */
  notJson?: boolean;
  durationMs: number;
}

/** Anything that can send an ApiRequest: the real HTTP client, or a test double. */
export interface Transport {
  send(request: ApiRequest): Promise<ApiResponse>;
}
