// Faults only generated inputs and model-based sequences find (issue 12): a server that fails on a
// credential or a text it should take or refuse calmly, one that overflows on a large integer or takes a
// word for a number, and lists that forget what was created or remember what was deleted.
import { jsonOf, type ProxiedRequest } from '../http/proxy';
import { answerSome, editRequest, type Fault, type FaultContext, type FaultHandler } from './fault';
import { apiPathOf, is, param, refusal, userTokenOf, withJson, withQueryParam } from './wire';

type Json = Record<string, unknown>;

const SERVER_ERROR = () => refusal(500, '500 Internal Server Error');
const MAX_INT32 = 2 ** 31 - 1;

/** Every string and number of a request's query and body (JSON or form), nested ones included. */
function valuesOf(request: ProxiedRequest): unknown[] {
  const at = request.url.indexOf('?');
  const query = [...new URLSearchParams(at < 0 ? '' : request.url.slice(at + 1)).values()];
  const text = request.body.toString('utf8');
  const form = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  let body: unknown[] = [];
  try {
    body = form ? [...new URLSearchParams(text).values()] : leaves(text.trim() ? JSON.parse(text) : undefined);
  } catch {
    body = [];
  }
  return [...query, ...body];
}

function leaves(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [value];
}

/** What a 32-bit column cannot hold: a JSON number, a number-like text or a path id beyond 2^31-1. */
function beyond32Bits(request: ProxiedRequest): boolean {
  const big = (v: unknown) => (typeof v === 'number' && v > MAX_INT32) || (typeof v === 'string' && /^\d{10,25}$/.test(v) && Number(v) > MAX_INT32);
  return apiPathOf(request).split('/').some(big) || valuesOf(request).some(big);
}

/** Projects created through the proxy, newest last; GET /projects leaves the newest out. */
function forgettingNewestProject(ctx: FaultContext): FaultHandler {
  const created: number[] = [];
  return async (r) => {
    const res = await ctx.forward(r);
    const body = jsonOf(res);
    if (is(r, 'POST', '/projects') && res.status === 201 && typeof (body as Json)?.id === 'number') created.push((body as Json).id as number);
    if (!is(r, 'GET', '/projects') || res.status !== 200 || !Array.isArray(body) || !created.length) return res;
    const newest = created.at(-1);
    return withJson(res, body.filter((p: Json) => p.id !== newest));
  };
}

/** Runners deleted through the proxy are still listed by GET /runners. */
function rememberingDeletedRunners(ctx: FaultContext): FaultHandler {
  const deleted = new Map<number, Json>();
  return async (r) => {
    const res = await ctx.forward(r);
    const body = jsonOf(res) as Json | undefined;
    if (is(r, 'DELETE', '/runners/delete') && res.status === 200 && typeof body?.id === 'number') deleted.set(body.id, { id: body.id, token: body.token });
    if (!is(r, 'GET', '/runners') || res.status !== 200 || !Array.isArray(body)) return res;
    const listed = new Set(body.map((runner: Json) => runner.id));
    return withJson(res, [...body, ...[...deleted.values()].filter((runner) => !listed.has(runner.id))]);
  };
}

export const GENERATED_FAULTS: readonly Fault[] = [
  {
    name: 'user-token-non-ascii-500',
    breaks: 'HOSTILE-INPUT-REJECTED',
    description: 'A user token (query or PRIVATE-TOKEN header) with a character outside ASCII fails with 500 (it cannot be put in the header to GitLab).',
    start: answerSome((r) => (/[^\x00-\x7f]/.test(userTokenOf(r) ?? '') ? SERVER_ERROR() : undefined)),
  },
  {
    name: 'text-nul-or-emoji-500',
    breaks: 'GENERATED-VALID-ACCEPTED',
    description: 'A text attribute of a body holding a NUL or a character outside the BMP fails with 500 (a database that stores neither).',
    start: answerSome((r) => (r.body.length && valuesOf(r).some((v) => typeof v === 'string' && /\u0000|[\u{10000}-\u{10FFFF}]/u.test(v)) ? SERVER_ERROR() : undefined)),
  },
  {
    name: 'integer-beyond-32-bits-500',
    breaks: 'HOSTILE-INPUT-REJECTED',
    description: 'An integer beyond 2^31-1 (attribute or path id) fails with 500 (a 32-bit column overflows).',
    start: answerSome((r) => (beyond32Bits(r) ? SERVER_ERROR() : undefined)),
  },
  {
    name: 'word-taken-for-page-number',
    breaks: 'HOSTILE-INPUT-REJECTED',
    description: 'GET /commits takes a page or per_page that is not a number as not given (to_i) and answers 200.',
    start: editRequest((r) => {
      if (!is(r, 'GET', '/commits')) return undefined;
      const words = ['page', 'per_page'].filter((name) => /[^\d]/.test(param(r, name) ?? '0'));
      return words.reduce((edited, name) => withQueryParam(edited, name, undefined), r);
    }),
  },
  {
    name: 'projects-list-forgets-newest',
    breaks: 'LISTS-SHOW-CREATED',
    description: 'GET /projects leaves out the project created last.',
    start: forgettingNewestProject,
  },
  {
    name: 'deleted-runner-still-listed',
    breaks: 'DELETED-GONE-FROM-LISTS',
    description: 'GET /runners keeps listing a runner after DELETE /runners/delete.',
    start: rememberingDeletedRunners,
  },
];
