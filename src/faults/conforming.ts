// Conforming rewrites for the proxy: answers changed only in ways the docs allow (extra fields, field
// order, latency). The suite must pass through them with zero failures (src/mutation/variants.ts).
import { jsonOf, type ProxiedRequest, type ProxiedResponse } from '../http/proxy';
import { withJson } from './wire';

export type Rewrite = (request: ProxiedRequest, response: ProxiedResponse) => ProxiedResponse | undefined | Promise<ProxiedResponse | undefined>;

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
