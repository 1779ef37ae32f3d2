// The shapes read from spec/: the OpenAPI description (typed by openapi-types) and the rule catalog.
import type { OpenAPIV3_1 } from 'openapi-types';

export type AuthMethod = 'user' | 'project' | 'registration' | 'runner';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** Where in the docs a rule comes from: page, section and a short quote. */
export interface RuleSource {
  page: string;
  section: string;
  quote: string;
}

/**
 * How a compatibility profile departs from the strict rule for the cases an entry covers (data only):
 * exactly one of `status` (the status the original server answered), `succeeds` (it did not refuse: the
 * request succeeded, the operation's success status) or `skip` (the profile does not judge these cases;
 * the note says why), with the note that says what the original server did.
 */
export interface ProfileDeparture {
  status?: number;
  succeeds?: boolean;
  skip?: boolean;
  note?: string;
}

/**
 * A rule's data for one profile: a departure for every case of the rule, or (where the original server
 * differed by operation or by case) per operationId and per case variant; the most specific entry wins
 * (variant, then operation, then the rule's own).
 */
export interface ProfileOverride extends ProfileDeparture {
  operations?: Record<string, ProfileDeparture>;
  variants?: Record<string, ProfileDeparture>;
}

/** A profile the catalog declares (`profiles` at the top of rules.yaml). */
export interface ProfileDeclaration {
  description: string;
}

/** The check families: each turns a rule into test cases (src/derive) and runs them (src/checks, src/scenarios). */
export type CheckFamily =
  | 'response-json'
  | 'response-schema'
  | 'json-suffix'
  | 'form-body'
  | 'success-status'
  | 'created-resource'
  | 'modified-resource'
  | 'delete-removes'
  | 'delete-idempotent-repeat'
  | 'delete-idempotent-never-existed'
  | 'required-attribute'
  | 'unknown-id'
  | 'method-not-allowed'
  | 'conflict'
  | 'unprocessable'
  | 'malformed-input'
  | 'no-server-error'
  | 'auth-accepted'
  | 'auth-rejected'
  | 'auth-before-existence'
  | 'commit-not-duplicated'
  | 'pagination'
  | 'nothing-to-build'
  | 'build-handed-out-once'
  | 'build-update-assigned'
  | 'generated-valid'
  | 'hostile-input'
  | 'model-lists'
  | 'consumer-contract';

/** The families whose cases are derived from the description (consumer contracts come from the pacts). */
export type CaseFamily = Exclude<CheckFamily, 'consumer-contract'>;

/** How a credential is spoiled by an auth-rejected rule. */
export type AuthVariant =
  | 'missing'
  | 'invalid'
  | 'wrong-kind'
  | 'untrusted-url'
  | 'not-manager'
  | 'outsider'
  | 'other-project'
  | 'deleted';

/** What a hostile value is refused with, by the kind of parameter it is put in (rule HOSTILE-INPUT-REJECTED). */
export interface HostileStatuses {
  kinds: Record<ParameterKind, number>;
  /** For a kind read from the input: a value of another JSON type, or whose bytes are not UTF-8. */
  unreadable: number;
}

/** What a parameter is, as far as hostile values are concerned (src/spec/parameter-kinds.ts). */
export type ParameterKind = 'path-id' | 'user-token' | 'gitlab-url' | 'ci-token' | 'integer' | 'object' | 'text' | 'enum' | 'blank';

export interface Rule {
  id: string;
  family: CheckFamily;
  title: string;
  source: RuleSource;
  /** The statuses the rule accepts; absent: the operation's documented success status. */
  expect?: number[];
  auth?: AuthMethod;
  variant?: AuthVariant;
  decision?: string;
  profiles?: Record<string, ProfileOverride>;
  hostile?: HostileStatuses;
}

export interface RuleCatalog {
  version: number;
  sources: Record<string, string>;
  /** Every profile a run (--profile) or the reference server (serve --behave) may take, strict included. */
  profiles: Record<string, ProfileDeclaration>;
  rules: Rule[];
}

/** One entry of an operation's x-auth: an accepted authentication method and where its credential travels. */
export interface AuthRequirement {
  method: AuthMethod;
  /** Parameter name of a CI token (project_token, token); the user token travels as described by x-auth-methods. */
  name?: string;
  in?: 'query' | 'body';
  /** The parameter naming the project the token must belong to. */
  scope?: string;
  /** For the user method: which forms are accepted (query, header); both when absent. */
  forms?: Array<'query' | 'header'>;
  note?: string;
}

export type ParameterLocation = 'path' | 'query' | 'header' | 'body';

/** A parameter of an operation, flattened from path/query parameters and the request body's top-level properties. */
export interface OperationParameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
  schema: OpenAPIV3_1.SchemaObject;
  /** Set when the parameter carries a credential (x-credential). */
  credential?: AuthMethod | 'gitlab-url';
}

export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** Path template relative to the server's /api/v1, e.g. /projects/{id}. */
  path: string;
  tag: string;
  summary: string;
  auth: AuthRequirement[];
  rules: string[];
  parameters: OperationParameter[];
  requestBodySchema?: OpenAPIV3_1.SchemaObject;
  requestContentTypes: string[];
  /** Response schema per status code (as a string, e.g. "201"). */
  responses: Record<string, OpenAPIV3_1.SchemaObject | undefined>;
}

export interface ApiDescription {
  document: OpenAPIV3_1.Document;
  operations: Operation[];
  catalog: RuleCatalog;
  /** Documented methods per path, to derive the unsupported ones. */
  methodsByPath: Record<string, HttpMethod[]>;
}
