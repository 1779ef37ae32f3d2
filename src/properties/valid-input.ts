// Valid inputs of an operation, generated from its schemas: every attribute a client chooses (query and
// body, nested objects included), in each request encoding the operation takes. What must stay as the run
// arranged it (credentials, ids, what must be unique or would build for other runners) is named by the
// operations table (`fixed`, `prefixed`: dotted paths into the body, or query names) and kept from the
// arranged request; a prefixed field keeps the arranged value as its prefix (the run's names).
import fc from 'fast-check';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { ApiRequest, BodyEncoding } from '../http/types';
import type { Operation } from '../spec/types';
import { allows, arbitraryOf, exampleOf } from './schema-arbitrary';

type Schema = OpenAPIV3_1.SchemaObject;

export interface GenerationKnowledge {
  /** Kept as arranged (absent when the arrangement has none). */
  fixed?: string[];
  /** The arranged value followed by a generated one. */
  prefixed?: string[];
}

export interface ValidInput {
  encoding: BodyEncoding;
  query: Record<string, unknown>;
  body?: Record<string, unknown>;
}

export interface InputSpace {
  arbitrary: fc.Arbitrary<ValidInput>;
  /** The smallest input in JSON and the richest in the form encoding: tried before the random ones. */
  examples: ValidInput[];
  /** Whether an input is one the schemas allow (a shrunk one may not be). */
  allows(input: ValidInput): boolean;
}

const path = (dotted: string) => dotted.split('.');

/** The schema with the property at `at` edited (or removed when edit answers undefined). */
function editProperty(schema: Schema, at: string[], edit: (s: Schema) => Schema | undefined): Schema {
  const [head, ...rest] = at;
  const property = schema.properties?.[head] as Schema | undefined;
  if (!property) return schema;
  const edited = rest.length ? editProperty(property, rest, edit) : edit(property);
  const properties = { ...schema.properties };
  if (edited) properties[head] = edited;
  else delete properties[head];
  return { ...schema, properties, required: edited ? schema.required : (schema.required ?? []).filter((r) => r !== head) };
}

/** What is generated of the body: the request body's schema less credentials and fixed fields, prefixed fields free of their bounds. */
function generatedBodySchema(op: Operation, knowledge: GenerationKnowledge): Schema | undefined {
  if (!op.requestBodySchema) return undefined;
  const credentials = op.parameters.filter((p) => p.in === 'body' && p.credential).map((p) => p.name);
  let schema = op.requestBodySchema;
  for (const field of [...credentials, ...(knowledge.fixed ?? [])]) schema = editProperty(schema, path(field), () => undefined);
  for (const field of knowledge.prefixed ?? []) schema = editProperty(schema, path(field), ({ minLength: _min, pattern: _pattern, ...rest }) => rest);
  return schema;
}

function generatedQuerySchema(op: Operation, knowledge: GenerationKnowledge): Schema {
  const free = op.parameters.filter((p) => p.in === 'query' && !p.credential && !(knowledge.fixed ?? []).includes(p.name));
  return { type: 'object', properties: Object.fromEntries(free.map((p) => [p.name, p.schema])), required: free.filter((p) => p.required).map((p) => p.name) };
}

/** The valid inputs of an operation; throws when it has nothing a client chooses (no such case is derived). */
export function inputSpace(op: Operation, knowledge: GenerationKnowledge): InputSpace {
  const body = generatedBodySchema(op, knowledge);
  const query = generatedQuerySchema(op, knowledge);
  if (!Object.keys(query.properties ?? {}).length && !Object.keys(body?.properties ?? {}).length) {
    throw new Error(`${op.operationId} has no attribute a client chooses: nothing to generate`);
  }
  const encodings: BodyEncoding[] = body && op.requestContentTypes.includes('application/x-www-form-urlencoded') ? ['json', 'form'] : ['json'];
  const hasQuery = Object.keys(query.properties ?? {}).length > 0;
  const arbitrary = fc.record({
    encoding: fc.constantFrom(...encodings),
    query: hasQuery ? (arbitraryOf(query) as fc.Arbitrary<Record<string, unknown>>) : (fc.record({}) as fc.Arbitrary<Record<string, unknown>>),
    ...(body ? { body: arbitraryOf(body) as fc.Arbitrary<Record<string, unknown>> } : {}),
  });
  const example = (size: 'smallest' | 'richest', encoding: BodyEncoding): ValidInput => ({
    encoding,
    query: hasQuery ? (exampleOf(query, size) as Record<string, unknown>) : {},
    ...(body ? { body: exampleOf(body, size) as Record<string, unknown> } : {}),
  });
  return {
    arbitrary,
    examples: [example('smallest', 'json'), example('richest', encodings.at(-1) as BodyEncoding)],
    allows: (input) => allows(query, input.query) && (!body || allows(body, input.body)),
  };
}

function valueAt(value: unknown, at: string[]): unknown {
  return at.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);
}

function withValueAt(value: Record<string, unknown>, at: string[], v: unknown): Record<string, unknown> {
  const [head, ...rest] = at;
  if (!rest.length) {
    const copy = { ...value };
    if (v === undefined) delete copy[head];
    else copy[head] = v;
    return copy;
  }
  const inner = value[head];
  return { ...value, [head]: withValueAt(inner !== null && typeof inner === 'object' ? (inner as Record<string, unknown>) : {}, rest, v) };
}

/** The arranged request with a generated input: generated attributes, with credentials and fixed fields kept, prefixed ones prefixed. */
export function withInput(arranged: ApiRequest, input: ValidInput, op: Operation, knowledge: GenerationKnowledge): ApiRequest {
  const query = { ...arranged.query, ...(input.query as ApiRequest['query']) };
  if (!input.body) return { ...arranged, query };
  const original = (arranged.body ?? {}) as Record<string, unknown>;
  const credentials = op.parameters.filter((p) => p.in === 'body' && p.credential).map((p) => p.name);
  let body = input.body;
  for (const field of [...credentials, ...(knowledge.fixed ?? [])]) body = withValueAt(body, path(field), valueAt(original, path(field)));
  for (const field of knowledge.prefixed ?? []) {
    const generated = valueAt(body, path(field));
    if (generated !== undefined) body = withValueAt(body, path(field), `${String(valueAt(original, path(field)))}${String(generated)}`);
  }
  return { ...arranged, query, body, encoding: input.encoding };
}
