// Where cases are derived: the description + rule catalog become a list of test cases per operation.
// Pure data in, pure data out; the generator writes the result into suites/ and the suite runtime
// (src/suite/) runs each case by its family.
import type { ApiDescription, AuthMethod, CaseFamily, HttpMethod, Operation, Rule } from '../spec/types';
import { HTTP_METHODS } from '../spec/types';
import { operationLabel } from '../spec/load';

/** What a case needs from the configuration beyond the target and the managing user's token. */
export type Prerequisite = 'developer-token' | 'outsider-token' | 'registration-token';

export type CaseParams = Record<string, string | number | boolean>;

export interface CaseSpec {
  /** Unique across the run: operation, rule and variant. */
  id: string;
  rule: string;
  family: CaseFamily;
  /** A full sentence stating the expectation, e.g. "POST /projects without name should yield 400". */
  title: string;
  /** Statuses accepted; empty means any status below 500. */
  expect: number[];
  params: CaseParams;
  needs: Prerequisite[];
}

export interface OperationCases {
  operationId: string;
  label: string;
  cases: CaseSpec[];
}

export interface SuiteFileSpec {
  /** e.g. "01_projects" */
  name: string;
  tag: string;
  operations: OperationCases[];
}

/** The order a certification runs in, one suite file per resource page of the docs. */
export const SUITE_ORDER = ['projects', 'runners', 'commits', 'builds', 'forks'] as const;

export function successStatus(op: Pick<Operation, 'method'>): number {
  return op.method === 'POST' ? 201 : 200;
}

export function deriveSuites(description: ApiDescription): SuiteFileSpec[] {
  const rules = new Map(description.catalog.rules.map((r) => [r.id, r]));
  return SUITE_ORDER.map((tag, index) => ({
    name: `${String(index + 1).padStart(2, '0')}_${tag}`,
    tag,
    operations: description.operations
      .filter((op) => op.tag === tag)
      .map((op) => ({
        operationId: op.operationId,
        label: operationLabel(op),
        cases: op.rules.flatMap((id) => {
          const rule = rules.get(id);
          if (!rule) throw new Error(`${op.operationId} names rule ${id}, which is not in the catalog`);
          return casesFor(rule, op, description);
        }),
      })),
  }));
}

function casesFor(rule: Rule, op: Operation, description: ApiDescription): CaseSpec[] {
  const label = operationLabel(op);
  const ok = successStatus(op);
  const make = (variant: string, title: string, params: CaseParams = {}, expect = rule.expect ?? [ok], needs: Prerequisite[] = []): CaseSpec => ({
    id: `${op.operationId}:${rule.id}${variant ? `:${variant}` : ''}`,
    rule: rule.id,
    // consumer-contract rules return before any case is made (see the switch below).
    family: rule.family as CaseFamily,
    title,
    expect,
    params,
    needs,
  });
  const should = (expect: number[]) => `should yield ${expect.join(' or ')}`;
  const exp = rule.expect ?? [ok];

  switch (rule.family) {
    case 'response-json':
    case 'response-schema': {
      const what = rule.family === 'response-json' ? 'is JSON with Content-Type application/json' : 'matches the schema of its status';
      return documentedStatuses(op).map((status) =>
        make(String(status), `${label} answering ${status}: the body ${what}`, { status }, [status], prerequisitesForStatus(op, status)),
      );
    }
    case 'json-suffix':
      return [make('', `${label} with the .json suffix should answer like the plain path`)];
    case 'form-body':
      return [make('', `${label} with a form-encoded body ${should([ok])} like JSON`)];
    case 'success-status':
    case 'created-resource':
    case 'modified-resource':
    case 'delete-removes':
    case 'delete-idempotent-repeat':
    case 'delete-idempotent-never-existed':
    case 'commit-not-duplicated':
    case 'pagination':
    case 'nothing-to-build':
    case 'build-handed-out-once':
    case 'build-update-assigned':
      return [make('', `${label}: ${lowerFirst(rule.title)} (${should(exp)})`)];
    case 'required-attribute':
      return requiredAttributes(op).map((name) => make(name, `${label} without ${name} ${should(exp)}`, { omit: name }));
    case 'unknown-id':
      return op.parameters
        .filter((p) => p.in === 'path')
        .map((p) => make(p.name, `${label} with an unknown ${p.name} ${should(exp)}`, { unknown: p.name }));
    case 'auth-before-existence':
      return [make('', `${label} with an invalid credential and an unknown id ${should(authFailureStatus(op))}, not 404`, {}, authFailureStatus(op))];
    case 'method-not-allowed':
      return unsupportedMethods(op, description).map((method) =>
        make(method, `${method} ${op.path} ${should(exp)}`, { method }),
      );
    case 'conflict':
      return ['name', 'gitlab_id'].map((field) =>
        make(field, `${label} with a ${field} another CI project has ${should(exp)}`, { field }),
      );
    case 'unprocessable': {
      const field = op.operationId === 'updateBuild' ? 'state' : 'name';
      return [make(field, `${label} with an invalid ${field} value ${should(exp)}`, { field })];
    }
    case 'malformed-input':
      return [
        make('bad-json', `${label} with a body that is not JSON ${should(exp)}`, { body: 'bad-json' }),
        make('wrong-type', `${label} with an attribute of the wrong type ${should(exp)}`, { body: 'wrong-type' }),
      ];
    case 'no-server-error':
      return (['huge', 'empty', 'unknown-fields'] as const).map((kind) =>
        make(kind, `${label} with ${kind.replace('-', ' ')} values should not yield a 5xx`, { input: kind }, []),
      );
    case 'consumer-contract':
      // Verified by the Pact provider verification (src/pact), one check per pact interaction.
      return [];
    case 'auth-accepted':
      return authAcceptedCases(rule, op, make, ok);
    case 'auth-rejected': {
      // The scenario needs to know which credential to spoil and how.
      const spoil: Make = (variant, title, params = {}, expect, needs) =>
        make(variant, title, { auth: rule.auth as string, variant: rule.variant as string, ...params }, expect, needs);
      return authRejectedCases(rule, op, spoil, should);
    }
  }
}

type Make = (variant: string, title: string, params?: CaseParams, expect?: number[], needs?: Prerequisite[]) => CaseSpec;

function authAcceptedCases(rule: Rule, op: Operation, make: Make, ok: number): CaseSpec[] {
  const label = operationLabel(op);
  switch (rule.id) {
    case 'AUTH-USER-QUERY':
      return [make('', `${label} with the user token in the query and url ${'should yield ' + ok}`, { userForm: 'query' })];
    case 'AUTH-USER-HEADER':
      return [make('', `${label} with the user token in the PRIVATE-TOKEN header and url should yield ${ok}`, { userForm: 'header' })];
    case 'AUTH-REGISTRATION-ACCEPTED':
      return [make('', `${label} with the runners registration token should yield ${ok}`, { token: 'registration' }, [ok], ['registration-token'])];
    case 'AUTH-REGISTRATION-PROJECT-TOKEN':
      return [make('', `${label} with a project token should yield ${ok}`, { token: 'project' })];
    default:
      return [make('', `${label} with the ${rule.auth} token should yield ${ok}`)];
  }
}

/** Which other kinds of credential are tried in place of the expected one. */
const OTHER_KINDS: Record<AuthMethod, string[]> = {
  user: ['project', 'runner', 'registration'],
  project: ['runner', 'registration', 'user'],
  registration: ['runner', 'user'],
  runner: ['registration', 'project', 'user'],
};

function authRejectedCases(
  rule: Rule,
  op: Operation,
  make: Make,
  should: (e: number[]) => string,
): CaseSpec[] {
  const label = operationLabel(op);
  const method = rule.auth as AuthMethod;
  const exp = rule.expect ?? [];
  switch (rule.variant) {
    case 'missing':
      return [make('', `${label} without a ${method} token ${should(exp)}`)];
    case 'invalid':
      return [make('', `${label} with an unknown ${method} token ${should(exp)}`)];
    case 'wrong-kind':
      return OTHER_KINDS[method].map((kind) =>
        make(kind, `${label} with a ${kind} token in place of the ${method} token ${should(exp)}`, { kind }, exp,
          kind === 'registration' ? ['registration-token'] : []),
      );
    case 'untrusted-url':
      return [
        make('other', `${label} with a url that is not the trusted GitLab ${should(exp)}`, { url: 'other' }),
        make('missing', `${label} without url ${should(exp)}`, { url: 'missing' }),
      ];
    case 'not-manager':
      return [make('', `${label} by a user who can see but not manage the project ${should(exp)}`, {}, exp, ['developer-token'])];
    case 'outsider':
      return [make('', `${label} by a user with no access to the project ${should(exp)}`, {}, exp, ['outsider-token'])];
    case 'other-project':
      return [
        make('', `${label} with the token of another project ${should(exp)}`),
        make('unknown-project', `${label} with a project token and a project id that names no project ${should(exp)}`, { unknownProject: true }),
      ];
    case 'deleted':
      return [make('', `${label} with the token of a deleted runner ${should(exp)}`)];
    default:
      throw new Error(`rule ${rule.id}: auth-rejected without a known variant`);
  }
}

function authFailureStatus(op: Operation): number[] {
  return op.auth.some((a) => a.method === 'user') ? [401] : [403];
}

export function requiredAttributes(op: Operation): string[] {
  return op.parameters
    .filter((p) => p.required && p.in !== 'path' && p.credential !== 'user' && p.credential !== 'gitlab-url')
    .map((p) => p.name);
}

function documentedStatuses(op: Operation): number[] {
  return Object.keys(op.responses)
    .map(Number)
    .filter((s) => Number.isInteger(s))
    .sort((a, b) => a - b);
}

/** A status only reachable with an optional credential is skipped without it. */
function prerequisitesForStatus(op: Operation, status: number): Prerequisite[] {
  const managedByUser = op.auth.some((a) => a.method === 'user') && op.auth.length === 1;
  return status === 403 && managedByUser ? [op.operationId === 'getProject' ? 'outsider-token' : 'developer-token'] : [];
}

/**
 * Methods a path does not document, less those another documented route would take: PUT /projects/owned
 * is PUT /projects/{id} with id "owned" to any router, so it says nothing about 405.
 */
function unsupportedMethods(op: Operation, description: ApiDescription): HttpMethod[] {
  const documented = description.methodsByPath[op.path] ?? [];
  const routes = Object.entries(description.methodsByPath).filter(([template]) => template !== op.path);
  const takenBy = (method: HttpMethod) => routes.some(([template, methods]) => methods.includes(method) && templateMatches(template, op.path));
  return HTTP_METHODS.filter((m) => !documented.includes(m) && !takenBy(m));
}

/** Whether a path could be routed to `template` (a {param} segment of the template matches any segment). */
function templateMatches(template: string, path: string): boolean {
  const a = template.split('/');
  const b = path.split('/');
  return a.length === b.length && a.every((segment, i) => segment === b[i] || /^\{\w+\}$/.test(segment));
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
