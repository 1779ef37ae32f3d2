// The checks: small pure functions, one property each, over what was sent and answered. Each answers
// undefined when the property holds, or a sentence a person can act on (the evidence travels with it).
import type { ApiRequest, ApiResponse } from '../http/types';

export interface Exchange {
  request: ApiRequest;
  response: ApiResponse;
}

export type Verdict = string | undefined;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 422: 'Unprocessable', 500: 'Server Error',
};

function describeStatus(status: number): string {
  return `${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ''}`;
}

/** The answer has one of the accepted statuses. */
export function statusConformance(exchange: Exchange, accepted: number[]): Verdict {
  if (accepted.includes(exchange.response.status)) return undefined;
  return `The API answered ${describeStatus(exchange.response.status)}, expected ${accepted.map(describeStatus).join(' or ')}.`;
}

/** No 5xx: bad input is the client's fault, never the server's. */
export function notAServerError(exchange: Exchange): Verdict {
  return exchange.response.status >= 500 ? `The API answered ${describeStatus(exchange.response.status)} to client input.` : undefined;
}

// A charset parameter is harmless to both real runners; any other media type is not (the Go runner
// compares the media type exactly).
const JSON_CONTENT_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

/** The answer is JSON and says so with Content-Type application/json. */
export function jsonResponse(exchange: Exchange): Verdict {
  const contentType = exchange.response.headers['content-type'];
  if (!contentType || !JSON_CONTENT_TYPE.test(contentType)) {
    return `The response's Content-Type is ${contentType ? JSON.stringify(contentType) : 'missing'}, expected application/json.`;
  }
  if (exchange.response.notJson) return 'The response body is not valid JSON.';
  return undefined;
}

/** Every top-level field listed has the value that was sent. */
export function reflectsInput(body: unknown, expected: Record<string, unknown>): Verdict {
  if (body === null || typeof body !== 'object') return `The response body is ${JSON.stringify(body)}, not the resource.`;
  const wrong = Object.entries(expected)
    .filter(([field, value]) => (body as Record<string, unknown>)[field] !== value)
    .map(([field, value]) => `${field} is ${JSON.stringify((body as Record<string, unknown>)[field])}, sent ${JSON.stringify(value)}`);
  return wrong.length ? `The returned resource does not reflect the request: ${wrong.join('; ')}.` : undefined;
}

/** Two answers to the same request in two forms agree on status and on the fields of the body. */
export function sameAnswer(plain: Exchange, variant: Exchange, variantName: string): Verdict {
  if (plain.response.status !== variant.response.status) {
    return `The ${variantName} answered ${describeStatus(variant.response.status)}, the plain request ${describeStatus(plain.response.status)}.`;
  }
  const a = shapeOf(plain.response.body);
  const b = shapeOf(variant.response.body);
  // A listing may differ in length between two moments; its items, where both have some, may not.
  const comparable = a.kind === b.kind && (a.fields === undefined || b.fields === undefined || a.fields === b.fields);
  return comparable ? undefined : `The ${variantName} answered ${b.kind} [${b.fields ?? ''}], the plain request ${a.kind} [${a.fields ?? ''}].`;
}

function shapeOf(body: unknown): { kind: string; fields?: string } {
  const fields = (o: unknown) => (o !== null && typeof o === 'object' ? Object.keys(o).sort().join(', ') : typeof o);
  if (Array.isArray(body)) return { kind: 'a list', fields: body.length ? fields(body[0]) : undefined };
  return { kind: body === null || typeof body !== 'object' ? typeof body : 'an object', fields: fields(body) };
}

/** Every item is distinct (a build handed to two runners shows up twice). */
export function handedOutOnce(ids: number[]): Verdict {
  const seen = new Set<number>();
  const twice = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  return twice.length ? `Build(s) ${[...new Set(twice)].join(', ')} were handed to more than one runner.` : undefined;
}

/** A page of a listing has the expected number of items. */
export function pageSize(exchange: Exchange, expected: number, what: string): Verdict {
  const body = exchange.response.body;
  if (!Array.isArray(body)) return `${what} did not answer a list.`;
  return body.length === expected ? undefined : `${what} answered ${body.length} items, expected ${expected}.`;
}

/** Checks that hold; the first failing verdict of each is kept. */
export function failures(...verdicts: Verdict[]): string[] {
  return verdicts.filter((v): v is string => v !== undefined);
}
