// Contract and description stay one: every interaction of every pact must be a request the OpenAPI
// description (spec/) documents and a response it allows. Checked per interaction: the path (with its
// optional .json suffix, under /api/v1) names a documented operation of that method; the query
// parameters are declared (required ones present) and well-typed; the body (JSON or form) matches the
// request schema; the status is documented; the response body the pact expects (the example its
// matchers generate) uses only fields the description declares, with their types.
//
// Response examples are checked against the schema without `required`: a pact lists what its consumer
// needs, usually a subset. Unknown fields are refused in both directions (additionalProperties: false
// where the description lists properties): a pact relying on a field the description does not have
// has drifted from it.
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenAPIV3_1 } from 'openapi-types';
import { matchOperation } from '../spec/response-validator';
import type { ApiDescription, Operation } from '../spec/types';
import { loadDescription } from '../spec/load';
import { loadPacts, PACTS_DIR, type PactFile, type PactInteraction } from './files';

export interface ContractFinding {
  consumer: string;
  description: string;
  problem: string;
}

const API_PREFIX = '/api/v1';

export async function checkPactsAgainstSpec(pactDir = PACTS_DIR, specDir?: string): Promise<ContractFinding[]> {
  const description = await loadDescription(specDir);
  const checker = new ContractChecker(description);
  return loadPacts(pactDir).flatMap(({ pact }) => checker.check(pact));
}

export class ContractChecker {
  private readonly strictAjv = new Ajv2020({ strict: false, allErrors: true });
  private readonly formAjv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly description: ApiDescription) {
    addFormats(this.strictAjv);
    addFormats(this.formAjv);
  }

  check(pact: PactFile): ContractFinding[] {
    return pact.interactions.flatMap((interaction) =>
      this.checkInteraction(interaction).map((problem) => ({ consumer: pact.consumer.name, description: interaction.description, problem })),
    );
  }

  checkInteraction(interaction: PactInteraction): string[] {
    const { request, response } = interaction;
    const label = `${request.method} ${request.path}`;
    if (!request.path.startsWith(`${API_PREFIX}/`)) return [`${label}: the path is not under ${API_PREFIX}`];
    const op = matchOperation(this.description, request.method, request.path);
    if (!op) return [`${label}: no operation of the description has this method and path`];
    const where = `${op.method} ${op.path}`;
    const problems: string[] = [];

    problems.push(...this.checkPathParameters(op, request.path).map((p) => `${where}: ${p}`));
    problems.push(...this.checkQuery(op, request.query ?? {}).map((p) => `${where}: ${p}`));
    problems.push(...this.checkRequestBody(op, interaction).map((p) => `${where}: ${p}`));

    const status = String(response.status);
    if (!(status in op.responses)) {
      problems.push(`${where}: status ${status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`);
    } else if (response.body?.content !== undefined) {
      const schema = op.responses[status];
      if (!schema) problems.push(`${where}: a ${status} has no documented body, the pact expects one`);
      else problems.push(...this.validate(`res ${op.operationId} ${status}`, relaxed(schema), response.body.content, false).map((e) => `${where} ${status}: response ${e}`));
    }
    return problems;
  }

  private checkPathParameters(op: Operation, path: string): string[] {
    const parts = path.slice(API_PREFIX.length).replace(/\.json$/, '').split('/').filter(Boolean);
    const problems: string[] = [];
    op.path
      .split('/')
      .filter(Boolean)
      .forEach((segment, i) => {
        const name = /^\{(.+)\}$/.exec(segment)?.[1];
        const param = name ? op.parameters.find((p) => p.in === 'path' && p.name === name) : undefined;
        if (param && !this.validate(`path ${op.operationId} ${name}`, param.schema, parts[i], true).length) return;
        if (param) problems.push(`path parameter ${name}=${JSON.stringify(parts[i])} does not match its schema`);
      });
    return problems;
  }

  private checkQuery(op: Operation, query: Record<string, string[]>): string[] {
    const problems: string[] = [];
    const declared = new Map(op.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema]));
    for (const name of this.securityQueryNames(op)) if (!declared.has(name)) declared.set(name, { type: 'string' });
    for (const [name, values] of Object.entries(query)) {
      const schema = declared.get(name);
      if (!schema) {
        problems.push(`query parameter ${name} is not declared`);
        continue;
      }
      for (const value of values) {
        if (this.validate(`query ${op.operationId} ${name}`, schema, value, true).length) problems.push(`query parameter ${name}=${JSON.stringify(value)} does not match its schema`);
      }
    }
    for (const p of op.parameters) if (p.in === 'query' && p.required && !(p.name in query)) problems.push(`the required query parameter ${p.name} is missing`);
    return problems;
  }

  /** Credentials that travel in the query per the operation's `security` (private_token, project_token). */
  private securityQueryNames(op: Operation): string[] {
    const item = this.description.document.paths?.[op.path] as Record<string, OpenAPIV3_1.OperationObject> | undefined;
    const security = item?.[op.method.toLowerCase()]?.security ?? [];
    const schemes = (this.description.document.components?.securitySchemes ?? {}) as Record<string, OpenAPIV3_1.ApiKeySecurityScheme>;
    return security.flatMap((requirement) => Object.keys(requirement)).flatMap((name) => (schemes[name]?.in === 'query' ? [schemes[name].name] : []));
  }

  private checkRequestBody(op: Operation, interaction: PactInteraction): string[] {
    const body = interaction.request.body;
    const required = ((this.description.document.paths?.[op.path] as Record<string, OpenAPIV3_1.OperationObject>)?.[op.method.toLowerCase()]?.requestBody as
      | OpenAPIV3_1.RequestBodyObject
      | undefined)?.required;
    if (body?.content === undefined) return required ? ['the request has no body, the description requires one'] : [];
    const contentType = (body.contentType ?? headerOf(interaction.request.headers, 'content-type') ?? '').split(';')[0].trim();
    if (!op.requestContentTypes.includes(contentType)) {
      return [`request Content-Type ${JSON.stringify(contentType)} is not accepted (accepted: ${op.requestContentTypes.join(', ') || 'no body'})`];
    }
    const content = (this.description.document.paths?.[op.path] as Record<string, OpenAPIV3_1.OperationObject>)?.[op.method.toLowerCase()]?.requestBody as OpenAPIV3_1.RequestBodyObject;
    const schema = content.content[contentType]?.schema as OpenAPIV3_1.SchemaObject | undefined;
    if (!schema) return [];
    if (contentType === 'application/x-www-form-urlencoded') {
      return this.validate(`form ${op.operationId}`, closed(schema), parseForm(String(body.content)), true).map((e) => `request form body ${e}`);
    }
    return this.validate(`req ${op.operationId}`, closed(schema), body.content, false).map((e) => `request body ${e}`);
  }

  private validate(key: string, schema: OpenAPIV3_1.SchemaObject, value: unknown, coerce: boolean): string[] {
    const cacheKey = `${coerce ? 'coerce' : 'strict'} ${key}`;
    let fn = this.cache.get(cacheKey);
    if (!fn) {
      // Coercion (query and form values are strings) edits the value in place, at its parent: wrap it.
      fn = coerce ? this.formAjv.compile({ type: 'object', properties: { v: schema } }) : this.strictAjv.compile(schema as object);
      this.cache.set(cacheKey, fn);
    }
    if (coerce) {
      return fn({ v: structuredClone(value) }) ? [] : (fn.errors ?? []).map((e) => describe({ ...e, instancePath: e.instancePath.replace(/^\/v/, '') }));
    }
    return fn(value) ? [] : (fn.errors ?? []).map(describe);
  }
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '(root)';
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return `${where} ${e.message ?? e.keyword}${extra}`;
}

function headerOf(headers: Record<string, string[]> | undefined, name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return entry?.[1]?.[0];
}

/** Rails-style form decoding: a=1&b[c]=2&d[0][e]=3 -> {a: '1', b: {c: '2'}, d: [{e: '3'}]}. */
export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const keys = rawKey.split(/\[|\]\[|\]/).filter((k) => k !== '');
    let node: Record<string, unknown> = out;
    keys.forEach((k, i) => {
      if (i === keys.length - 1) node[k] = value;
      else node = (node[k] ??= /^\d+$/.test(keys[i + 1]) ? [] : {}) as Record<string, unknown>;
    });
  }
  return out;
}

/** The schema with every object closed where it lists its properties (unknown fields are drift). */
function closed(schema: OpenAPIV3_1.SchemaObject): OpenAPIV3_1.SchemaObject {
  return transform(schema, false);
}

/** The schema closed and without `required`: what a pact's (partial) response example must satisfy. */
function relaxed(schema: OpenAPIV3_1.SchemaObject): OpenAPIV3_1.SchemaObject {
  return transform(schema, true);
}

function transform(schema: unknown, dropRequired: boolean): OpenAPIV3_1.SchemaObject {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (dropRequired && k === 'required' && Array.isArray(v)) continue;
      if (k === 'examples' || k === 'example') continue;
      out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([name, s]) => [name, walk(s)])) : walk(v);
    }
    if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    return out;
  };
  return walk(structuredClone(schema)) as OpenAPIV3_1.SchemaObject;
}
