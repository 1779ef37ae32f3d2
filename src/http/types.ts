// Where HTTP happens: the one request/response shape every part of the product uses
// (suites, state set-up and clean-up, typed clients, Pact state handlers), and the record of what
// actually went over the wire.

export type BodyEncoding = 'json' | 'form';

export interface ApiRequest {
  method: string;
  /** Path below the API base, sent verbatim, e.g. "/projects/12" or "/builds/register.json". */
  path: string;
  /** Encoded by src/http/encode.ts (encodeQuery), in this order; undefined values are left out. */
  query?: Record<string, string | number | undefined>;
  /** Query text sent verbatim, before the encoded `query` (joined by &): for encodings the encoder never makes. */
  rawQuery?: string;
  /** Sent after the client's own (Host, User-Agent, Accept, Content-Type); a same-named one replaces it. */
  headers?: Record<string, string>;
  /** A value to send as the body; encoded per `encoding` (JSON by default). */
  body?: unknown;
  encoding?: BodyEncoding;
  /** A body sent verbatim (a string as UTF-8); wins over `body`. An empty one is an empty body, sent. */
  rawBody?: string | Uint8Array;
  /** Content-Type of the body (default: per `encoding`); '' sends a body without Content-Type. */
  contentType?: string;
}

/** A request as it was written to the connection: request line, every header in order, body bytes. */
export interface WireRequest {
  method: string;
  /** The full URL: scheme, host, port and the request-target (no user info: that travels as Authorization). */
  url: string;
  /** The request-target of the request line: path and query. */
  target: string;
  /** Every header line written, in order, name case as written. */
  headers: Array<[string, string]>;
  /** The body bytes written; absent when the request had no body at all. */
  body?: Buffer;
}

/** A response as received: status line, headers in order and case, body bytes (transfer coding removed, nothing decompressed). */
export interface WireResponse {
  httpVersion: string;
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface WireExchange {
  request: WireRequest;
  /** Absent when no (complete) answer came: see TransportError. */
  response?: WireResponse;
  /** When the request was started, in epoch milliseconds with sub-millisecond precision (orders exchanges). */
  startedAt: number;
  durationMs: number;
}

export interface ApiResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when the body is not JSON (see `text`). */
  body: unknown;
  /** The body decoded as UTF-8. */
  text: string;
  /** Set when the body could not be parsed as JSON. */
  notJson?: boolean;
  durationMs: number;
  /** Exactly what was sent and received. */
  wire: WireExchange & { response: WireResponse };
}

/** Anything that can send an ApiRequest: the real HTTP client, or a test double. */
export interface Transport {
  send(request: ApiRequest): Promise<ApiResponse>;
}
