// What a request looks like on the wire, decided here and nowhere else: the request line, every header
// (Host, Content-Length and Connection included, so that Node adds none of its own) and the body bytes.
// Pure: the client writes exactly this, and records it as the evidence.
import { TOOL } from '../tool';
import { encodeForm, encodeQuery } from './encode';
import type { ApiRequest, WireRequest } from './types';

const CONTENT_TYPES = { json: 'application/json', form: 'application/x-www-form-urlencoded' } as const;

/** The framing headers follow from the body: a request may not set them (a wrong one would desynchronise the connection). */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection']);

/** The body bytes and their Content-Type ('' for none), or undefined for a request without a body. */
function bodyOf(request: ApiRequest): { bytes: Buffer; contentType: string } | undefined {
  const contentType = request.contentType ?? CONTENT_TYPES[request.encoding ?? 'json'];
  if (request.rawBody !== undefined) {
    return { bytes: typeof request.rawBody === 'string' ? Buffer.from(request.rawBody, 'utf8') : Buffer.from(request.rawBody), contentType };
  }
  if (request.body === undefined) return undefined;
  const text = request.encoding === 'form' ? encodeForm(request.body) : JSON.stringify(request.body);
  return { bytes: Buffer.from(text, 'utf8'), contentType };
}

/** The query text: the raw part first, then the encoded pairs. */
function queryOf(request: ApiRequest): string {
  return [request.rawQuery, request.query && encodeQuery(request.query)].filter((part) => part).join('&');
}

/**
 * The request as it goes on the wire to `baseUrl` (e.g. http://127.0.0.1:4000/api/v1): the client's own
 * headers first (Host, Authorization for user info in the base URL, User-Agent, Accept, Content-Type and
 * Content-Length of a body), then the request's (a same-named one replaces the client's in place), then
 * Connection: keep-alive.
 */
export function wireRequestOf(baseUrl: string, request: ApiRequest): WireRequest {
  const base = new URL(baseUrl);
  const query = queryOf(request);
  const target = `${base.pathname.replace(/\/+$/, '')}${request.path}${query ? `?${query}` : ''}`;
  const body = bodyOf(request);
  const headers: Array<[string, string]> = [['Host', base.host]];
  if (base.username || base.password) {
    const credentials = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
    headers.push(['Authorization', `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`]);
  }
  headers.push(['User-Agent', `${TOOL.name}/${TOOL.version}`], ['Accept', 'application/json']);
  if (body?.contentType) headers.push(['Content-Type', body.contentType]);
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (FRAMING.has(name.toLowerCase())) continue;
    const same = headers.findIndex(([existing]) => existing.toLowerCase() === name.toLowerCase());
    if (same >= 0) headers[same] = [name, value];
    else headers.push([name, value]);
  }
  if (body) headers.push(['Content-Length', String(body.bytes.length)]);
  headers.push(['Connection', 'keep-alive']);
  return { method: request.method, url: `${base.protocol}//${base.host}${target}`, target, headers, body: body?.bytes };
}

/** The bytes of the request as written: request line, header lines, blank line, body. */
export function requestBytes(request: WireRequest): Buffer {
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${request.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), request.body ?? Buffer.alloc(0)]);
}
