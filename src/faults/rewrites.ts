// Named response rewrites for the fault proxy (./proxy.ts), usable in front of any server:
// - PROXY_FAULTS break exactly one rule of spec/rules.yaml each (mutation testing, src/mutation/);
// - CONFORMING_REWRITES change answers only in ways the docs allow (extra fields, field order, latency):
//   the suite must pass through them with zero failures.
import type { ProxiedRequest, ProxiedResponse } from './proxy';
import { jsonOf } from './proxy';

export type Rewrite = (request: ProxiedRequest, response: ProxiedResponse) => ProxiedResponse | undefined | Promise<ProxiedResponse | undefined>;

export interface ProxyFault {
  name: string;
  /** The rule ID (spec/rules.yaml) the rewrite breaks. */
  breaks: string;
  description: string;
  rewrite: Rewrite;
}

/** The API path without /api/v1, the query and the .json suffix: "/projects/12". */
export function apiPathOf(request: ProxiedRequest): string {
  return request.path.replace(/^\/api\/v1/, '').replace(/\.json$/, '');
}

function withJson(response: ProxiedResponse, body: unknown): ProxiedResponse {
  return { ...response, body: Buffer.from(JSON.stringify(body)) };
}

function withHeader(response: ProxiedResponse, name: string, value: string): ProxiedResponse {
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([k]) => k.toLowerCase() !== name.toLowerCase()));
  return { ...response, headers: { ...headers, [name]: value } };
}

const is = (request: ProxiedRequest, method: string, path: string) => request.method === method && apiPathOf(request) === path;

export const PROXY_FAULTS: readonly ProxyFault[] = [
  {
    name: 'fork-created-empty-body',
    breaks: 'POST-201',
    description: 'POST /forks answers 201 with an empty body.',
    rewrite: (req, res) => (is(req, 'POST', '/forks') && res.status === 201 ? { ...res, body: Buffer.alloc(0) } : undefined),
  },
  {
    name: 'project-created-partial-body',
    breaks: 'POST-201',
    description: 'POST /projects answers 201 with only id, name, token and gitlab_id of the new project.',
    rewrite: (req, res) => {
      if (!is(req, 'POST', '/projects') || res.status !== 201) return undefined;
      const { id, name, token, gitlab_id } = (jsonOf(res) ?? {}) as Record<string, unknown>;
      return withJson(res, { id, name, token, gitlab_id });
    },
  },
  {
    name: 'errors-not-json',
    breaks: 'JSON-RESPONSE',
    description: 'Every 4xx answers a plain-text body with Content-Type text/plain.',
    rewrite: (_req, res) =>
      res.status >= 400 && res.status < 500 ? withHeader({ ...res, body: Buffer.from(`Error ${res.status}`) }, 'content-type', 'text/plain; charset=utf-8') : undefined,
  },
  {
    name: 'errors-html-content-type',
    breaks: 'JSON-RESPONSE',
    description: 'Every 4xx keeps its JSON body but says Content-Type text/html.',
    rewrite: (_req, res) => (res.status >= 400 && res.status < 500 ? withHeader(res, 'content-type', 'text/html; charset=utf-8') : undefined),
  },
  {
    name: 'success-latin1-charset',
    breaks: 'JSON-RESPONSE',
    description: 'Every 2xx says Content-Type application/json; charset=iso-8859-1.',
    rewrite: (_req, res) => (res.status < 300 ? withHeader(res, 'content-type', 'application/json; charset=iso-8859-1') : undefined),
  },
  {
    name: 'commits-without-author-email',
    breaks: 'RESPONSE-SCHEMA',
    description: 'GET /commits leaves the required git_author_email out of every commit.',
    rewrite: (req, res) => {
      const body = jsonOf(res);
      if (!is(req, 'GET', '/commits') || res.status !== 200 || !Array.isArray(body)) return undefined;
      return withJson(res, body.map(({ git_author_email: _dropped, ...commit }: Record<string, unknown>) => commit));
    },
  },
];

// ---- conforming rewrites ---------------------------------------------------------------------------

function mapObjects(value: unknown, f: (o: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => mapObjects(v, f));
  if (value !== null && typeof value === 'object') {
    return f(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapObjects(v, f)])));
  }
  return value;
}

/** Rewrites every JSON body; other bodies pass unchanged. */
function jsonBodies(f: (o: Record<string, unknown>) => Record<string, unknown>): Rewrite {
  return (_req, res) => {
    const body = jsonOf(res);
    return body === undefined ? undefined : withJson(res, mapObjects(body, f));
  };
}

export const CONFORMING_REWRITES = {
  /** Every object of every JSON answer (errors and nested objects included) gets fields the docs do not name. */
  extraFields: jsonBodies((o) => ({ ...o, x_vendor_note: 'an extension field', _links: { self: 'http://ci.example/extension' }, extra_count: 7 })),
  /** Every object of every JSON answer lists its fields in reverse order. */
  reversedFieldOrder: jsonBodies((o) => Object.fromEntries(Object.entries(o).reverse())),
  /** Every answer is delayed. */
  delay:
    (ms: number): Rewrite =>
    () =>
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms)),
};
