// Validates a response (status + body) against the OpenAPI description: pure and generic, shared by
// the conformance suites and the tests of the reference server.
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ApiDescription, Operation } from './types';

/** Errors of a response, empty when it is valid (operation: the Operation, its operationId or "METHOD /path"). */
export type ResponseValidatorFn = (operation: Operation | string, status: number | string, body: unknown) => string[];

function findOperation(description: ApiDescription, operation: Operation | string): Operation | undefined {
  if (typeof operation !== 'string') return operation;
  return description.operations.find(
    (op) => op.operationId === operation || `${op.method} ${op.path}` === operation,
  );
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath || '(body)';
  const extra =
    e.keyword === 'additionalProperties'
      ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
      : e.keyword === 'enum'
        ? ` (${JSON.stringify((e.params as { allowedValues?: unknown[] }).allowedValues)})`
        : '';
  return `${where} ${e.message ?? e.keyword}${extra}`;
}

export function createResponseValidator(description: ApiDescription): ResponseValidatorFn {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction | null>();
  // The resolved description repeats its schemas (one error body for every 4xx of every operation): each
  // is compiled once, whoever needs it.
  const bySchema = new Map<string, ValidateFunction>();
  const compile = (schema: object): ValidateFunction => {
    const text = JSON.stringify(schema);
    let validate = bySchema.get(text);
    if (!validate) bySchema.set(text, (validate = ajv.compile(schema)));
    return validate;
  };

  return (operation, status, body) => {
    const op = findOperation(description, operation);
    if (!op) return [`unknown operation ${typeof operation === 'string' ? operation : operation.operationId}`];
    const code = String(status);
    const label = `${op.method} ${op.path}`;
    if (!(code in op.responses)) {
      return [`status ${code} is not documented for ${label} (documented: ${Object.keys(op.responses).join(', ')})`];
    }
    const key = `${op.operationId} ${code}`;
    let validate = compiled.get(key);
    if (validate === undefined) {
      const schema = op.responses[code];
      validate = schema ? compile(schema as object) : null;
      compiled.set(key, validate);
    }
    if (validate === null) return [];
    if (body === undefined || body === '') return [`${label} ${code}: expected a JSON body`];
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${label} ${code}: ${describeError(e)}`);
  };
}

/**
 * The operation a concrete request addresses: "/api/v1/projects/12/runners/3.json?x=1" with POST ->
 * POST /projects/{id}/runners/{runner_id}. The /api/v1 prefix, the query and the .json suffix are optional;
 * a literal segment wins over a parameter (GET /projects/owned is not GET /projects/{id}).
 */
export function matchOperation(description: ApiDescription, method: string, path: string): Operation | undefined {
  let p = path.split('?')[0].split('#')[0];
  try {
    if (/^https?:\/\//i.test(p)) p = new URL(p).pathname;
  } catch {
    return undefined;
  }
  p = p.replace(/^\/api\/v1(?=\/|$)/, '').replace(/\/+$/, '');
  if (p.endsWith('.json')) p = p.slice(0, -'.json'.length);
  const parts = p.split('/').filter(Boolean);
  const upper = method.toUpperCase();
  let best: { op: Operation; literals: number } | undefined;
  for (const op of description.operations) {
    if (op.method !== upper) continue;
    const segments = op.path.split('/').filter(Boolean);
    if (segments.length !== parts.length) continue;
    let literals = 0;
    const ok = segments.every((seg, i) => {
      if (/^\{.+\}$/.test(seg)) return parts[i].length > 0;
      if (seg !== parts[i]) return false;
      literals++;
      return true;
    });
    if (ok && (!best || literals > best.literals)) best = { op, literals };
  }
  return best?.op;
}
