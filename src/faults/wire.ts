// Reading and editing what goes through the fault proxy, the way a server reads it: the API path, the
// parameters of the query and of a JSON or form body, the user token; and the answers a fault gives itself.
// Written apart from the reference server's own parsing, so that a fault does not share its blind spots.
import type { ProxiedRequest, ProxiedResponse } from '../http/proxy';

const API_PREFIX = /^\/api\/v1(?=\/|$)/;

/** The API path without /api/v1, the query and the .json suffix, repeated slashes as one: "/projects/12". */
export function apiPathOf(request: ProxiedRequest): string {
  return request.path.replace(/\/{2,}/g, '/').replace(API_PREFIX, '').replace(/\/+$/, '').replace(/\.json$/, '');
}

/** Whether the request is `METHOD template`, where a {name} segment of the template matches an integer id (as routes do: /projects/owned is no /projects/{id}). */
export function is(request: ProxiedRequest, method: string, template: string): boolean {
  if (request.method !== method) return false;
  const parts = apiPathOf(request).split('/');
  const segments = template.split('/');
  return parts.length === segments.length && segments.every((s, i) => (s.startsWith('{') ? /^-?\d+$/.test(parts[i]) : s === parts[i]));
}

/** The resource id of /projects/{id}..., /builds/{id} (NaN when the segment is not a number). */
export function idOf(request: ProxiedRequest): number {
  return Number(apiPathOf(request).split('/')[2]);
}

// ---- parameters --------------------------------------------------------------------------------------

type Body = { kind: 'none' } | { kind: 'json'; value: Record<string, unknown> } | { kind: 'form'; value: URLSearchParams } | { kind: 'unreadable' };

function contentType(request: ProxiedRequest): string {
  return String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Whether the request says its body is JSON. */
export function declaresJson(request: ProxiedRequest): boolean {
  const type = contentType(request);
  return type === 'application/json' || type.endsWith('+json');
}

export function declaresForm(request: ProxiedRequest): boolean {
  return contentType(request) === 'application/x-www-form-urlencoded';
}

function bodyOf(request: ProxiedRequest): Body {
  const text = request.body.toString('utf8');
  if (text.trim() === '') return { kind: 'none' };
  if (declaresForm(request)) return { kind: 'form', value: new URLSearchParams(text) };
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? { kind: 'json', value: value as Record<string, unknown> } : { kind: 'unreadable' };
  } catch {
    return { kind: 'unreadable' };
  }
}

/** Whether the body is empty or a JSON object or a form: what a server can read attributes from. */
export function bodyReadable(request: ProxiedRequest): boolean {
  return bodyOf(request).kind !== 'unreadable';
}

function queryOf(request: ProxiedRequest): URLSearchParams {
  const at = request.url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : request.url.slice(at + 1));
}

function bodyParam(body: Body, name: string): string | undefined {
  if (body.kind === 'form') return body.value.get(name) ?? undefined;
  if (body.kind !== 'json') return undefined;
  const value = body.value[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** A flat attribute as a server reads it: from the body, else from the query. */
export function param(request: ProxiedRequest, name: string): string | undefined {
  return bodyParam(bodyOf(request), name) ?? queryOf(request).get(name) ?? undefined;
}

/** A list attribute (tag_list) given as a comma-separated string or an array, in a JSON or form body or the query. */
export function listParam(request: ProxiedRequest, name: string): string[] {
  const body = bodyOf(request);
  const formItems = body.kind === 'form' ? body.value.getAll(`${name}[]`) : [];
  const raw = body.kind === 'json' && body.value[name] !== undefined ? body.value[name] : formItems.length ? formItems : param(request, name);
  const items = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [];
  return items.map((s) => s.trim()).filter(Boolean);
}

/** Whether the body holds the attribute (for a form, also as nested keys: data[ref]=...). */
export function bodyHas(request: ProxiedRequest, name: string): boolean {
  const body = bodyOf(request);
  if (body.kind === 'json') return body.value[name] !== undefined;
  if (body.kind === 'form') return [...body.value.keys()].some((k) => k === name || k.startsWith(`${name}[`));
  return false;
}

/** The request with the query parameter set (undefined: removed). */
export function withQueryParam(request: ProxiedRequest, name: string, value: string | undefined): ProxiedRequest {
  const query = queryOf(request);
  if (value === undefined) query.delete(name);
  else query.set(name, value);
  const search = query.toString();
  return { ...request, url: `${request.path}${search ? `?${search}` : ''}` };
}

/** The request with the body attribute set (undefined: removed); a JSON or form body keeps its encoding. */
export function withBodyParam(request: ProxiedRequest, name: string, value: string | undefined): ProxiedRequest {
  const body = bodyOf(request);
  if (body.kind === 'form') {
    if (value === undefined) body.value.delete(name);
    else body.value.set(name, value);
    return { ...request, body: Buffer.from(body.value.toString()) };
  }
  if (body.kind === 'unreadable') return request;
  const { [name]: _old, ...rest } = body.kind === 'json' ? body.value : {};
  const json = value === undefined ? rest : { ...rest, [name]: value };
  return { ...request, headers: { ...request.headers, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(json)) };
}

/** The request with the attribute set where it travels: in the body if it is there, else in the query. */
export function withParam(request: ProxiedRequest, name: string, value: string | undefined): ProxiedRequest {
  return bodyParam(bodyOf(request), name) !== undefined ? withBodyParam(request, name, value) : withQueryParam(request, name, value);
}

// ---- the user token (private_token in the query, or the PRIVATE-TOKEN header) -------------------------

export function userTokenOf(request: ProxiedRequest): string | undefined {
  const header = request.headers['private-token'];
  return queryOf(request).get('private_token') || (typeof header === 'string' && header) || undefined;
}

/** The request with the user token replaced where it travels (the query when it came with none). */
export function withUserToken(request: ProxiedRequest, token: string): ProxiedRequest {
  if (!queryOf(request).get('private_token') && typeof request.headers['private-token'] === 'string') return withHeader(request, 'private-token', token);
  return withQueryParam(request, 'private_token', token);
}

export function withHeader<T extends ProxiedRequest>(request: T, name: string, value: string | undefined): T {
  const { [name]: _old, ...headers } = request.headers;
  return { ...request, headers: value === undefined ? headers : { ...headers, [name]: value } };
}

/** A request the proxy sends on its own (JSON body). */
export function newRequest(method: string, url: string, headers: ProxiedRequest['headers'], body?: unknown): ProxiedRequest {
  const json = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  return { method, url, path: url.split('?')[0], headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, body: json };
}

// ---- answers ------------------------------------------------------------------------------------------

/** A JSON answer. */
export function answer(status: number, body: unknown): ProxiedResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}

/** An error answer as GitLab CI gives them: {"message": "404 Not Found"}. */
export function refusal(status: number, message: string): ProxiedResponse {
  return answer(status, { message });
}

export function withJson(response: ProxiedResponse, body: unknown): ProxiedResponse {
  return { ...response, body: Buffer.from(JSON.stringify(body)) };
}

export function withResponseHeader(response: ProxiedResponse, name: string, value: string): ProxiedResponse {
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([k]) => k.toLowerCase() !== name.toLowerCase()));
  return { ...response, headers: { ...headers, [name]: value } };
}
