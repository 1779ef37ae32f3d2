// Consistency checks of spec/: the OpenAPI description against an independent inventory of the docs,
// the rule catalog against the operations, documented statuses against rules, and examples against
// their schemas. Pure functions: each returns a list of problems (empty when all is well), so tests
// can run them on mutated in-memory copies and see them fail.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { ApiDescription, AuthMethod, CheckFamily, HttpMethod, Operation, ParameterKind, ParameterLocation, Rule } from './types';
import { operationLabel } from './load';
import { slotsOf, slotStatuses } from './parameter-kinds';
import { departureOf, profileNames, STRICT_PROFILE, strictExpectation, successStatus } from './expectations';

/** One parameter of a resource page, as the docs give it. */
export interface InventoryParameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
  note?: string;
}

/** One documented example response. */
export interface InventoryExample {
  status: string;
  value: unknown;
  note?: string;
}

/** One documented operation. */
export interface InventoryOperation {
  page: string;
  section: string;
  method: HttpMethod;
  path: string;
  operationId: string;
  auth: AuthMethod[];
  parameters: InventoryParameter[];
  examples?: InventoryExample[];
}

/** fixtures/api-docs-inventory.json: what the docs say, written independently of spec/. */
export interface DocsInventory {
  description?: string;
  operations: InventoryOperation[];
}

export const REQUEST_CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded'] as const;

/** Which families can make an operation answer a documented status (a rule with `expect` must also list it). */
export const STATUS_FAMILIES: Record<number, CheckFamily[]> = {
  200: ['success-status', 'modified-resource', 'delete-removes', 'delete-idempotent-repeat', 'delete-idempotent-never-existed', 'commit-not-duplicated', 'generated-valid'],
  201: ['created-resource', 'commit-not-duplicated', 'generated-valid'],
  400: ['required-attribute', 'malformed-input', 'hostile-input'],
  401: ['auth-rejected', 'hostile-input'],
  403: ['auth-rejected', 'hostile-input'],
  404: ['unknown-id', 'nothing-to-build', 'build-update-assigned', 'auth-rejected', 'hostile-input'],
  405: ['method-not-allowed'],
  409: ['conflict'],
  422: ['unprocessable', 'hostile-input'],
};

const PARAMETER_KINDS: readonly ParameterKind[] = ['path-id', 'user-token', 'gitlab-url', 'ci-token', 'integer', 'object', 'text', 'enum', 'blank'];

/** Families whose statuses are not answered by the operation itself (405 comes from the methods a path lacks). */
const PATH_LEVEL_FAMILIES: CheckFamily[] = ['method-not-allowed'];

/** The accepted-credential rules of Authentication #1 and the form of the user token each one sends. */
const USER_FORM_RULES: Record<string, 'query' | 'header'> = {
  'AUTH-USER-QUERY': 'query',
  'AUTH-USER-HEADER': 'header',
};

/** Every check below, in one list of problems. */
export function lintDescription(description: ApiDescription, inventory?: DocsInventory): string[] {
  return [
    ...lintDocument(description),
    ...(inventory ? lintInventory(description, inventory) : []),
    ...lintCatalog(description),
    ...lintProfiles(description),
    ...lintAuth(description),
    ...lintStatuses(description),
    ...lintExamples(description),
    ...lintGeneration(description),
  ];
}

/**
 * What generation needs of the description: integers of requests with a format (their range), path ids as
 * integers, and every nested object of a form body encoded with deepObject brackets (data[after]=...).
 */
function lintGeneration(description: ApiDescription): string[] {
  const problems: string[] = [];
  for (const op of description.operations) {
    const label = operationLabel(op);
    for (const p of op.parameters) {
      if (p.in === 'path' && p.schema.type !== 'integer') problems.push(`${label}: path parameter ${p.name} is not an integer`);
      for (const where of integersWithoutFormat(p.schema, p.name)) problems.push(`${label}: integer ${where} has no format (int32 or int64)`);
    }
    const form = rawOperation(description, op)?.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
    const media = form?.content?.['application/x-www-form-urlencoded'];
    for (const p of op.parameters.filter((q) => q.in === 'body' && q.schema.type === 'object')) {
      const encoding = media?.encoding?.[p.name] as { style?: string; explode?: boolean } | undefined;
      if (encoding?.style !== 'deepObject' || encoding.explode !== true) problems.push(`${label}: form field ${p.name} is an object without encoding {style: deepObject, explode: true}`);
    }
  }
  return problems;
}

function integersWithoutFormat(schema: OpenAPIV3_1.SchemaObject, where: string): string[] {
  const own = schema.type === 'integer' && !schema.format ? [where] : [];
  const nested = Object.entries(schema.properties ?? {}).flatMap(([name, s]) => integersWithoutFormat(s as OpenAPIV3_1.SchemaObject, `${where}.${name}`));
  const items = schema.type === 'array' ? integersWithoutFormat(((schema as OpenAPIV3_1.ArraySchemaObject).items ?? {}) as OpenAPIV3_1.SchemaObject, `${where}[]`) : [];
  return [...own, ...nested, ...items];
}

/** Document-level promises of the overview: the .json suffix and the two request encodings. */
export function lintDocument(description: ApiDescription): string[] {
  const problems: string[] = [];
  const doc = description.document as OpenAPIV3_1.Document & Record<string, unknown>;
  const suffix = doc['x-path-suffix'] as { suffix?: string; equivalent?: boolean } | undefined;
  if (suffix?.suffix !== '.json' || suffix.equivalent !== true) {
    problems.push('x-path-suffix must state that the .json suffix is an equivalent form of every path');
  }
  for (const op of description.operations) {
    if (op.requestContentTypes.length === 0) continue;
    for (const type of REQUEST_CONTENT_TYPES) {
      if (!op.requestContentTypes.includes(type)) problems.push(`${operationLabel(op)}: request body lacks ${type}`);
    }
    const body = (op as Operation).requestBodySchema;
    const form = requestSchema(description, op, 'application/x-www-form-urlencoded');
    if (body && form && !sameJson(body, form)) {
      problems.push(`${operationLabel(op)}: the JSON and form-encoded request bodies have different schemas`);
    }
  }
  return problems;
}

/** The description against the independent inventory of the docs: operations, parameters, auth, examples. */
export function lintInventory(description: ApiDescription, inventory: DocsInventory): string[] {
  const problems: string[] = [];
  const byLabel = new Map(description.operations.map((op) => [operationLabel(op), op]));
  const expected = new Set(inventory.operations.map((o) => `${o.method} ${o.path}`));
  for (const label of byLabel.keys()) {
    if (!expected.has(label)) problems.push(`${label}: described but not in the docs inventory`);
  }
  for (const inv of inventory.operations) {
    const label = `${inv.method} ${inv.path}`;
    const op = byLabel.get(label);
    if (!op) {
      problems.push(`${label}: documented (${inv.page}, ${inv.section}) but missing from the description`);
      continue;
    }
    if (op.operationId !== inv.operationId) {
      problems.push(`${label}: operationId is ${op.operationId}, expected ${inv.operationId}`);
    }
    for (const p of inv.parameters) {
      const found = op.parameters.filter((q) => q.name === p.name);
      if (found.length === 0) {
        problems.push(`${label}: documented parameter ${p.name} (${p.in}) is missing`);
        continue;
      }
      const same = found.find((q) => q.in === p.in);
      if (!same) {
        problems.push(`${label}: parameter ${p.name} travels in ${found.map((q) => q.in).join('/')}, documented in ${p.in}`);
      } else if (same.required !== p.required) {
        problems.push(`${label}: parameter ${p.name} is ${same.required ? 'required' : 'optional'}, documented ${p.required ? 'required' : 'optional'}`);
      }
    }
    const methods = [...new Set(op.auth.map((a) => a.method))].sort();
    const documented = [...new Set(inv.auth)].sort();
    if (!sameJson(methods, documented)) {
      problems.push(`${label}: x-auth methods are [${methods.join(', ')}], documented [${documented.join(', ')}]`);
    }
    for (const ex of inv.examples ?? []) {
      const values = responseExamples(description, op, ex.status).map((e) => e.value);
      if (!values.some((v) => sameJson(v, ex.value))) {
        problems.push(`${label}: the docs' example response (${ex.status}) is not among the response's examples`);
      }
    }
  }
  return problems;
}

/** The catalog itself, and the rule IDs the operations name. */
export function lintCatalog(description: ApiDescription): string[] {
  const problems: string[] = [];
  const { catalog, operations } = description;
  const seen = new Set<string>();
  const used = new Set(operations.flatMap((op) => op.rules));
  for (const rule of catalog.rules ?? []) {
    if (!rule.id) {
      problems.push(`a rule without an id: ${JSON.stringify(rule).slice(0, 80)}`);
      continue;
    }
    if (seen.has(rule.id)) problems.push(`rule ${rule.id}: the ID is not unique`);
    seen.add(rule.id);
    const src = rule.source;
    if (!src || !nonEmpty(src.page) || !nonEmpty(src.section) || !nonEmpty(src.quote)) {
      problems.push(`rule ${rule.id}: source needs page, section and quote`);
    } else if (!(src.page in (catalog.sources ?? {}))) {
      problems.push(`rule ${rule.id}: source page ${src.page} is not one of the catalog's sources`);
    }
    if (!nonEmpty(rule.family)) problems.push(`rule ${rule.id}: no family`);
    if (!nonEmpty(rule.title)) problems.push(`rule ${rule.id}: no title`);
    if ((rule.family === 'auth-accepted' || rule.family === 'auth-rejected') && !rule.auth) {
      problems.push(`rule ${rule.id}: an ${rule.family} rule must name its auth method`);
    }
    if (rule.family === 'auth-rejected' && !rule.variant) problems.push(`rule ${rule.id}: an auth-rejected rule needs a variant`);
    if (rule.family === 'auth-rejected' && !rule.expect?.length) problems.push(`rule ${rule.id}: an auth-rejected rule needs expect`);
    if (!used.has(rule.id)) problems.push(`rule ${rule.id}: not used by any operation`);
    if (rule.family === 'hostile-input' && (!rule.hostile || PARAMETER_KINDS.some((k) => typeof rule.hostile?.kinds?.[k] !== 'number'))) {
      problems.push(`rule ${rule.id}: a hostile-input rule needs hostile.kinds with a status for each of ${PARAMETER_KINDS.join(', ')}, and hostile.unreadable`);
    }
  }
  for (const op of operations) {
    const names = new Set<string>();
    for (const id of op.rules) {
      if (!seen.has(id)) problems.push(`${operationLabel(op)}: names rule ${id}, which is not in the catalog`);
      if (names.has(id)) problems.push(`${operationLabel(op)}: names rule ${id} twice`);
      names.add(id);
    }
  }
  return problems;
}

/** The keys a profile entry of a rule may have (and, for `operations` and `variants`, each of their entries). */
const DEPARTURE_KEYS = ['status', 'succeeds', 'skip', 'note'];
const OVERRIDE_KEYS = [...DEPARTURE_KEYS, 'operations', 'variants'];

/** Families whose cases follow other rules' statuses (the answer to a status) or accept any: no profile data. */
const FOLLOWING_FAMILIES: CheckFamily[] = ['response-json', 'response-schema', 'no-server-error', 'consumer-contract'];

/**
 * The profiles: each declared once with a description; a rule's profile data names a declared profile,
 * has known keys, exactly one departure per entry (status, succeeds or skip), a note for every skip, only
 * operations that carry the rule, and departs from the strict expectation everywhere it applies.
 */
export function lintProfiles(description: ApiDescription): string[] {
  const { catalog, operations } = description;
  const problems: string[] = [];
  const declared = catalog.profiles ?? {};
  if (!(STRICT_PROFILE in declared)) problems.push(`profiles: the ${STRICT_PROFILE} profile is not declared`);
  for (const [name, declaration] of Object.entries(declared)) {
    if (!nonEmpty(declaration?.description)) problems.push(`profiles: ${name} has no description`);
  }
  for (const rule of catalog.rules ?? []) {
    for (const [profile, entry] of Object.entries(rule.profiles ?? {})) {
      const where = `rule ${rule.id}, profile ${profile}`;
      if (!(profile in declared) || profile === STRICT_PROFILE) {
        problems.push(`${where}: not a declared compatibility profile (declared: ${profileNames(catalog).filter((n) => n !== STRICT_PROFILE).join(', ')})`);
        continue;
      }
      if (FOLLOWING_FAMILIES.includes(rule.family)) problems.push(`${where}: a ${rule.family} rule follows the statuses of other rules and takes no profile data`);
      const carriers = operations.filter((op) => op.rules.includes(rule.id));
      problems.push(...lintProfileEntry(where, entry, OVERRIDE_KEYS, Boolean(entry.operations || entry.variants), entry.note));
      for (const [operationId, specific] of Object.entries(entry.operations ?? {})) {
        if (!carriers.some((op) => op.operationId === operationId)) problems.push(`${where}: operation ${operationId} does not exist or does not carry the rule`);
        problems.push(...lintProfileEntry(`${where}, operation ${operationId}`, specific, DEPARTURE_KEYS, false, entry.note));
      }
      for (const [variant, specific] of Object.entries(entry.variants ?? {})) {
        problems.push(...lintProfileEntry(`${where}, variant ${variant}`, specific, DEPARTURE_KEYS, false, entry.note));
      }
      problems.push(...sameAsStrict(rule, profile, carriers, where));
    }
  }
  return problems;
}

function lintProfileEntry(where: string, entry: unknown, keys: string[], mayBeEmpty: boolean, ruleNote: string | undefined): string[] {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return [`${where}: not a mapping`];
  const problems = Object.keys(entry)
    .filter((k) => !keys.includes(k))
    .map((k) => `${where}: unknown key ${k} (known: ${keys.join(', ')})`);
  const e = entry as Record<string, unknown>;
  const departures = ['status', 'succeeds', 'skip'].filter((k) => e[k] !== undefined);
  if (departures.length > 1) problems.push(`${where}: ${departures.join(' and ')} together; one departure per entry`);
  if (departures.length === 0 && !mayBeEmpty) problems.push(`${where}: no departure (status, succeeds or skip)`);
  if (e.status !== undefined && !(Number.isInteger(e.status) && (e.status as number) >= 100 && (e.status as number) <= 599)) problems.push(`${where}: status ${JSON.stringify(e.status)} is not an HTTP status`);
  for (const flag of ['succeeds', 'skip']) if (e[flag] !== undefined && e[flag] !== true) problems.push(`${where}: ${flag} must be true when given`);
  if (e.note !== undefined && !nonEmpty(e.note)) problems.push(`${where}: an empty note`);
  if (e.skip && !nonEmpty(e.note ?? ruleNote)) problems.push(`${where}: a skip without a reason (note)`);
  return problems;
}

/** Entries that resolve, for some operation and variant they cover, to the strict expectation: a departure that departs from nothing. */
function sameAsStrict(rule: Rule, profile: string, carriers: Operation[], where: string): string[] {
  const entry = rule.profiles?.[profile];
  const variants = ['', ...Object.keys(entry?.variants ?? {})];
  const problems = new Set<string>();
  for (const op of carriers) {
    const strict = strictExpectation(rule, op);
    for (const variant of variants) {
      const departure = departureOf(rule, profile, op.operationId, variant);
      if (!departure || departure.skip) continue;
      const status = departure.succeeds ? successStatus(op) : departure.status;
      if (strict.length === 1 && strict[0] === status) {
        problems.add(`${where}: on ${op.operationId}${variant ? `, variant ${variant}` : ''} it expects ${status}, as strict does`);
      }
    }
  }
  return [...problems];
}

/** Every x-auth method of an operation has its accepted and rejected rules, and no rule of a method it lacks. */
export function lintAuth(description: ApiDescription): string[] {
  const problems: string[] = [];
  const rules = ruleMap(description);
  for (const op of description.operations) {
    const label = operationLabel(op);
    const opRules = op.rules.map((id) => rules.get(id)).filter((r): r is Rule => r !== undefined);
    const methods = new Set(op.auth.map((a) => a.method));
    if (methods.size === 0) problems.push(`${label}: no x-auth`);
    for (const rule of opRules) {
      if (rule.auth && !methods.has(rule.auth)) {
        problems.push(`${label}: rule ${rule.id} is about ${rule.auth} auth, which the operation's x-auth does not list`);
      }
    }
    for (const method of methods) {
      if (!opRules.some((r) => r.family === 'auth-accepted' && r.auth === method)) {
        problems.push(`${label}: no auth-accepted rule for its ${method} auth`);
      }
    }
    // Rejections are per credential slot: methods sharing a slot (a registration or project token in
    // `token`) share the rules that refuse what is neither.
    for (const slot of credentialSlots(op)) {
      if (!opRules.some((r) => r.family === 'auth-rejected' && r.auth && slot.methods.includes(r.auth))) {
        problems.push(`${label}: no auth-rejected rule for its ${slot.methods.join('/')} credential (${slot.key})`);
      }
    }
    const user = op.auth.find((a) => a.method === 'user');
    if (user) {
      const forms = user.forms ?? ['query', 'header'];
      for (const [id, form] of Object.entries(USER_FORM_RULES)) {
        const listed = op.rules.includes(id);
        if (forms.includes(form) && !listed) problems.push(`${label}: accepts the user token in the ${form} but does not list ${id}`);
        if (!forms.includes(form) && listed) problems.push(`${label}: lists ${id} but x-auth does not accept the user token in the ${form}`);
      }
      if (!op.parameters.some((p) => p.name === 'url' && p.in === 'query' && p.required)) {
        problems.push(`${label}: user auth needs the required url query parameter`);
      }
    }
    for (const a of op.auth) {
      if (a.method === 'user' || !a.name) continue;
      const param = op.parameters.find((p) => p.name === a.name && p.in === a.in);
      if (!param) problems.push(`${label}: x-auth ${a.method} token ${a.name} (${a.in}) is not a parameter`);
      if (a.scope && !op.parameters.some((p) => p.name === a.scope)) {
        problems.push(`${label}: x-auth ${a.method} scope ${a.scope} is not a parameter`);
      }
    }
  }
  return problems;
}

/**
 * Documented statuses against rules, both ways: every documented status is reachable through a rule
 * of the operation, and every status a rule of the operation expects is documented, with a JSON schema
 * (errors: {"message": string}).
 */
export function lintStatuses(description: ApiDescription): string[] {
  const problems: string[] = [];
  const rules = ruleMap(description);
  for (const op of description.operations) {
    const label = operationLabel(op);
    const opRules = op.rules.map((id) => rules.get(id)).filter((r): r is Rule => r !== undefined);
    const documented = Object.keys(op.responses).filter((s) => /^\d{3}$/.test(s)).map(Number);
    for (const status of documented) {
      const families = STATUS_FAMILIES[status];
      if (!families) {
        problems.push(`${label}: documents ${status}, which no rule family covers`);
        continue;
      }
      const covered = opRules.some((r) => covers(r, op, status, families));
      if (!covered) problems.push(`${label}: documents ${status} but no rule of it (${families.join(', ')}) makes it reachable`);
      const schema = op.responses[String(status)];
      if (!schema) {
        problems.push(`${label}: response ${status} has no application/json schema`);
      } else if (status >= 400 && !isMessageSchema(schema)) {
        problems.push(`${label}: error response ${status} is not {"message": string}`);
      }
    }
    for (const rule of opRules) {
      if (PATH_LEVEL_FAMILIES.includes(rule.family)) continue;
      for (const status of reachableStatuses(rule, op)) {
        if (!documented.includes(status)) problems.push(`${label}: rule ${rule.id} makes ${status} reachable, but ${status} is not documented`);
      }
    }
    const hasPathIds = op.parameters.some((p) => p.in === 'path');
    for (const rule of opRules) {
      if ((rule.family === 'unknown-id' || rule.family === 'auth-before-existence') && !hasPathIds) {
        problems.push(`${label}: rule ${rule.id} needs an id in the path`);
      }
      if (rule.family === 'method-not-allowed') {
        const methods = description.methodsByPath[op.path] ?? [];
        if (methods.length >= 5) problems.push(`${label}: rule ${rule.id}, but the path supports every method`);
      }
      if (rule.family === 'form-body' && !op.requestContentTypes.includes('application/x-www-form-urlencoded')) {
        problems.push(`${label}: rule ${rule.id} but no form-encoded request body`);
      }
      if (rule.family === 'required-attribute' && !op.parameters.some((p) => p.required && p.in !== 'path')) {
        problems.push(`${label}: rule ${rule.id} but no required attribute`);
      }
    }
  }
  return problems;
}

/** One example of a response, with the schema it must match. */
export interface ResponseExample {
  /** "METHOD /path status content-type" */
  where: string;
  name: string;
  value: unknown;
  schema?: OpenAPIV3_1.SchemaObject;
  /** The example object itself (shared with components.examples after dereferencing). */
  object: unknown;
}

/** Every response example of the (dereferenced) description: components.examples reached from responses, and inline ones. */
export function collectResponseExamples(description: ApiDescription): ResponseExample[] {
  const found: ResponseExample[] = [];
  for (const op of description.operations) {
    const raw = rawOperation(description, op);
    for (const [status, response] of Object.entries(raw?.responses ?? {})) {
      for (const [type, media] of Object.entries((response as OpenAPIV3_1.ResponseObject).content ?? {})) {
        for (const ex of mediaExamples(media)) {
          found.push({ where: `${operationLabel(op)} ${status} ${type}`, ...ex, schema: media.schema as OpenAPIV3_1.SchemaObject | undefined });
        }
      }
    }
  }
  return found;
}

/** Every example (components.examples reached from responses, and inline ones) validates against its schema. */
export function lintExamples(description: ApiDescription): string[] {
  const problems: string[] = [];
  const ajv = makeAjv(description.document);
  const reached = new Set<unknown>();
  const compiled = new Map<unknown, ReturnType<Ajv2020['compile']> | undefined>();
  for (const ex of collectResponseExamples(description)) {
    reached.add(ex.object);
    if (!ex.schema) {
      problems.push(`${ex.where}: example ${ex.name} without a schema`);
      continue;
    }
    if (!compiled.has(ex.schema)) {
      try {
        compiled.set(ex.schema, ajv.compile(ex.schema as object));
      } catch (error) {
        compiled.set(ex.schema, undefined);
        problems.push(`${ex.where}: schema does not compile: ${(error as Error).message}`);
      }
    }
    const validate = compiled.get(ex.schema);
    if (validate && !validate(ex.value)) {
      problems.push(`${ex.where}: example ${ex.name} does not match the schema: ${ajv.errorsText(validate.errors)}`);
    }
  }
  for (const [name, schema] of Object.entries(description.document.components?.schemas ?? {})) {
    if (compiled.has(schema)) continue;
    try {
      compiled.set(schema, ajv.compile(schema as object));
    } catch (error) {
      problems.push(`components.schemas.${name}: does not compile as JSON Schema 2020-12: ${(error as Error).message}`);
    }
  }
  for (const [name, example] of Object.entries(description.document.components?.examples ?? {})) {
    if (!reached.has(example)) problems.push(`components.examples.${name}: not used by any response, so never checked`);
  }
  return problems;
}

/** Ajv for JSON Schema 2020-12 (the dialect of OpenAPI 3.1), with formats, knowing OpenAPI's extra keywords. */
function makeAjv(document: OpenAPIV3_1.Document): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  const keywords = new Set(['example', 'discriminator', 'xml', 'externalDocs']);
  collectExtensionKeys(document.components?.schemas, keywords);
  collectExtensionKeys(document.paths, keywords);
  for (const k of keywords) ajv.addKeyword(k);
  return ajv;
}

// ---- helpers ----------------------------------------------------------------------------------------

/** Deep equality of JSON values, independent of the realm the objects were made in (structuredClone, Jest's vm). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function nonEmpty(s: unknown): boolean {
  return typeof s === 'string' && s.trim().length > 0;
}

function ruleMap(description: ApiDescription): Map<string, Rule> {
  return new Map((description.catalog.rules ?? []).map((r) => [r.id, r]));
}

function covers(rule: Rule, op: Operation, status: number, families: CheckFamily[]): boolean {
  if (!families.includes(rule.family)) return false;
  if (rule.family === 'auth-rejected' && rule.auth && !op.auth.some((a) => a.method === rule.auth)) return false;
  return reachableStatuses(rule, op).includes(status);
}

/** The statuses a rule of an operation makes it answer (the operation's success status when `expect` is absent). */
export function reachableStatuses(rule: Rule, op: Pick<Operation, 'method' | 'auth' | 'parameters' | 'responses'>): number[] {
  if (rule.family === 'hostile-input') {
    const statuses = rule.hostile;
    return statuses ? [...new Set(slotsOf(op).flatMap((slot) => slotStatuses(statuses, op, slot)))].sort((a, b) => a - b) : [];
  }
  const families = Object.values(STATUS_FAMILIES).flat();
  const answersStatus = rule.family === 'auth-before-existence' || rule.expect?.length || families.includes(rule.family) || rule.family === 'auth-accepted';
  return answersStatus ? strictExpectation(rule, op) : [];
}

function isMessageSchema(schema: OpenAPIV3_1.SchemaObject): boolean {
  const message = schema.properties?.message as OpenAPIV3_1.SchemaObject | undefined;
  return schema.type === 'object' && (schema.required ?? []).includes('message') && message?.type === 'string';
}

function credentialSlots(op: Operation): Array<{ key: string; methods: AuthMethod[] }> {
  const slots = new Map<string, AuthMethod[]>();
  for (const a of op.auth) {
    const key = a.method === 'user' ? 'user token' : `${a.in ?? '?'} ${a.name ?? '?'}`;
    slots.set(key, [...(slots.get(key) ?? []), a.method]);
  }
  return [...slots].map(([key, methods]) => ({ key, methods }));
}

function rawOperation(description: ApiDescription, op: Operation): OpenAPIV3_1.OperationObject | undefined {
  const item = description.document.paths?.[op.path] as Record<string, unknown> | undefined;
  return item?.[op.method.toLowerCase()] as OpenAPIV3_1.OperationObject | undefined;
}

function requestSchema(description: ApiDescription, op: Operation, type: string): unknown {
  const raw = rawOperation(description, op);
  return (raw?.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content?.[type]?.schema;
}

interface FoundExample {
  name: string;
  value: unknown;
  object: unknown;
}

function mediaExamples(media: OpenAPIV3_1.MediaTypeObject): FoundExample[] {
  const found: FoundExample[] = [];
  if (media.example !== undefined) found.push({ name: '(inline)', value: media.example, object: media.example });
  for (const [name, ex] of Object.entries(media.examples ?? {})) {
    const e = ex as OpenAPIV3_1.ExampleObject;
    found.push({ name, value: e.value, object: ex });
  }
  return found;
}

function responseExamples(description: ApiDescription, op: Operation, status: string): FoundExample[] {
  const raw = rawOperation(description, op);
  const response = raw?.responses?.[status] as OpenAPIV3_1.ResponseObject | undefined;
  const media = response?.content?.['application/json'];
  return media ? mediaExamples(media) : [];
}

function collectExtensionKeys(value: unknown, into: Set<string>, seen = new Set<unknown>()): void {
  if (!value || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('x-')) into.add(k);
    collectExtensionKeys(v, into, seen);
  }
}
