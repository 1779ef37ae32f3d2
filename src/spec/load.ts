// Where the spec is read: the OpenAPI description and the rule catalog, from spec/ (never from elsewhere).
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { CATALOG_FILE, DESCRIPTION_FILE, readYaml, SPEC_DIR } from './files';
import type { OpenAPIV3_1 } from 'openapi-types';
import {
  HTTP_METHODS,
  type ApiDescription,
  type AuthRequirement,
  type HttpMethod,
  type Operation,
  type OperationParameter,
  type RuleCatalog,
} from './types';


/** Reads the description and the catalog, validates the description as OpenAPI 3.1 and resolves every $ref. */
export function loadDescription(specDir = SPEC_DIR): Promise<ApiDescription> {
  let loading = loaded.get(specDir);
  if (!loading) {
    const { document, catalog } = readSpec(specDir);
    loading = buildDescription(document, catalog);
    loaded.set(specDir, loading);
  }
  return loading;
}

/** Parsing, validating and resolving the spec costs about half a second: once per process. */
const loaded = new Map<string, Promise<ApiDescription>>();

/** The two spec files as parsed, before validation (the raw OpenAPI document keeps its $refs). */
export function readSpec(specDir = SPEC_DIR): { document: OpenAPIV3_1.Document; catalog: RuleCatalog } {
  return {
    document: readYaml<OpenAPIV3_1.Document>(path.join(specDir, DESCRIPTION_FILE)),
    catalog: readYaml<RuleCatalog>(path.join(specDir, CATALOG_FILE)),
  };
}

/**
 * Builds an ApiDescription from already-parsed objects (e.g. mutated in-memory copies in tests):
 * validates the document as OpenAPI 3.1 and resolves every $ref. Neither argument is modified.
 */
export async function buildDescription(raw: OpenAPIV3_1.Document, catalog: RuleCatalog): Promise<ApiDescription> {
  // validate() both checks the document against the OpenAPI 3.1 schema and dereferences it.
  const document = (await SwaggerParser.validate(structuredClone(raw) as never)) as OpenAPIV3_1.Document;
  return describe(document, structuredClone(catalog));
}

function describe(document: OpenAPIV3_1.Document, catalog: RuleCatalog): ApiDescription {
  const operations: Operation[] = [];
  const methodsByPath: Record<string, HttpMethod[]> = {};
  for (const [pathTemplate, item] of Object.entries(document.paths ?? {})) {
    if (!item) continue;
    methodsByPath[pathTemplate] = [];
    for (const method of HTTP_METHODS) {
      const op = item[method.toLowerCase() as OpenAPIV3_1.HttpMethods] as OpenAPIV3_1.OperationObject | undefined;
      if (!op) continue;
      methodsByPath[pathTemplate].push(method);
      operations.push(toOperation(pathTemplate, method, item, op));
    }
  }
  return { document, operations, catalog, methodsByPath };
}

type Extended<T> = T & Record<`x-${string}`, unknown>;

function toOperation(
  pathTemplate: string,
  method: HttpMethod,
  item: OpenAPIV3_1.PathItemObject,
  op: OpenAPIV3_1.OperationObject,
): Operation {
  const ext = op as Extended<OpenAPIV3_1.OperationObject>;
  const parameters: OperationParameter[] = [];
  for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])] as Extended<OpenAPIV3_1.ParameterObject>[]) {
    parameters.push({
      name: p.name,
      in: p.in as OperationParameter['in'],
      required: p.required === true,
      schema: (p.schema ?? {}) as OpenAPIV3_1.SchemaObject,
      credential: p['x-credential'] as OperationParameter['credential'],
    });
  }
  const content = (op.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content ?? {};
  const requestBodySchema = content['application/json']?.schema as OpenAPIV3_1.SchemaObject | undefined;
  const bodyRequired = new Set(requestBodySchema?.required ?? []);
  for (const [name, schema] of Object.entries(requestBodySchema?.properties ?? {})) {
    const s = schema as Extended<OpenAPIV3_1.SchemaObject>;
    parameters.push({
      name,
      in: 'body',
      required: bodyRequired.has(name),
      schema: s,
      credential: s['x-credential'] as OperationParameter['credential'],
    });
  }
  const responses: Operation['responses'] = {};
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    const r = response as OpenAPIV3_1.ResponseObject;
    responses[status] = r.content?.['application/json']?.schema as OpenAPIV3_1.SchemaObject | undefined;
  }
  const conformance = (ext['x-conformance'] ?? {}) as { rules?: string[] };
  return {
    operationId: op.operationId ?? `${method} ${pathTemplate}`,
    method,
    path: pathTemplate,
    tag: op.tags?.[0] ?? 'untagged',
    summary: op.summary ?? '',
    auth: (ext['x-auth'] ?? []) as AuthRequirement[],
    rules: conformance.rules ?? [],
    parameters,
    requestBodySchema,
    requestContentTypes: Object.keys(content),
    responses,
  };
}

/** Every rule ID of the catalog with the operations ("METHOD /path") that carry it, in the description's order. */
export function operationsByRule(description: ApiDescription): Map<string, string[]> {
  const carriers = (id: string) => description.operations.filter((op) => op.rules.includes(id)).map(operationLabel);
  return new Map(description.catalog.rules.map((r) => [r.id, carriers(r.id)]));
}

/** "POST /projects/{id}" — how an operation is named in test names and reports. */
export function operationLabel(op: Pick<Operation, 'method' | 'path'>): string {
  return `${op.method} ${op.path}`;
}
