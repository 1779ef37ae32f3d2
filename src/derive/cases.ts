// Where cases are derived: the description + rule catalog become a list of test cases per operation.
// Pure data in, pure data out; the generator writes the result into suites/ and the suite runtime
// (src/suite/) runs each case by its family.
import type { ApiDescription, AuthMethod, CaseFamily, CheckFamily, HttpMethod, Operation, Rule } from '../spec/types';
import { HTTP_METHODS } from '../spec/types';
import { operationLabel } from '../spec/load';
import { slotsOf, slotStatuses } from '../spec/parameter-kinds';

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

/**
 * What derivation needs to know of an operation beyond the description: the operations table
 * (src/scenarios/operations.ts), handed in by the generator.
 */
export interface CaseKnowledge {
  /** The field a 422 check spoils. */
  invalid?: { field: string };
  /** For an operation a user calls: who answers its documented 403. */
  forbiddenUser?: 'developer' | 'outsider';
}

export type KnowledgeOf = (operationId: string) => CaseKnowledge;

export function successStatus(op: Pick<Operation, 'method'>): number {
  return op.method === 'POST' ? 201 : 200;
}

/**
 * One suite file per tag of the description, in the order of its `tags` list (one resource page of the
 * docs each). An operation whose tag is not listed, or a listed tag without operations, is an error: an
 * operation must never drop out of the run unnoticed.
 */
export function deriveSuites(description: ApiDescription, knowledge: KnowledgeOf): SuiteFileSpec[] {
  const tags = (description.document.tags ?? []).map((t) => t.name);
  const unlisted = description.operations.filter((op) => !tags.includes(op.tag));
  if (unlisted.length) {
    throw new Error(`the tag of ${unlisted.map((op) => `${op.operationId} (${op.tag})`).join(', ')} is not in the description's tags list: no suite file would run it`);
  }
  const rules = new Map(description.catalog.rules.map((r) => [r.id, r]));
  return tags.map((tag, index) => {
    const operations = description.operations.filter((op) => op.tag === tag);
    if (!operations.length) throw new Error(`the description's tag ${tag} has no operation: its suite file would run nothing`);
    return {
      name: `${String(index + 1).padStart(2, '0')}_${tag}`,
      tag,
      operations: operations.map((op) => ({
        operationId: op.operationId,
        label: operationLabel(op),
        cases: op.rules.flatMap((id) => {
          const rule = rules.get(id);
          if (!rule) throw new Error(`${op.operationId} names rule ${id}, which is not in the catalog`);
          return casesFor({ rule, op, description, knowledge: knowledge(op.operationId) });
        }),
      })),
    };
  });
}

interface Derivation {
  rule: Rule;
  op: Operation;
  description: ApiDescription;
  knowledge: CaseKnowledge;
}

type Make = (variant: string, title: string, params?: CaseParams, expect?: number[], needs?: Prerequisite[]) => CaseSpec;

/** What every family's cases are made with: the case maker and the wording of expectations. */
interface Wording {
  make: Make;
  label: string;
  /** The rule's expected statuses, or the operation's success status. */
  exp: number[];
  ok: number;
}

function casesFor(d: Derivation): CaseSpec[] {
  const ok = successStatus(d.op);
  const make: Make = (variant, title, params = {}, expect = d.rule.expect ?? [ok], needs = []) => ({
    id: `${d.op.operationId}:${d.rule.id}${variant ? `:${variant}` : ''}`,
    rule: d.rule.id,
    // consumer-contract rules make no case (see FAMILY_CASES).
    family: d.rule.family as CaseFamily,
    title,
    expect,
    params,
    needs,
  });
  return FAMILY_CASES[d.rule.family](d, { make, label: operationLabel(d.op), exp: d.rule.expect ?? [ok], ok });
}

const should = (expect: number[]) => `should yield ${expect.join(' or ')}`;

/** One case stating the rule's title. */
const single = (d: Derivation, w: Wording) => [w.make('', `${w.label}: ${lowerFirst(d.rule.title)} (${should(w.exp)})`)];

/** A case per documented status, checking the body of that answer. */
const perStatus = (what: string) => (d: Derivation, w: Wording) =>
  documentedStatuses(d.op).map((status) =>
    w.make(String(status), `${w.label} answering ${status}: the body ${what}`, { status }, [status], prerequisitesForStatus(d.op, d.knowledge, status)),
  );

/** How each family of rules becomes cases. */
const FAMILY_CASES: Record<CheckFamily, (d: Derivation, w: Wording) => CaseSpec[]> = {
  'response-json': perStatus('is JSON with Content-Type application/json'),
  'response-schema': perStatus('matches the schema of its status'),
  'json-suffix': (_d, w) => [w.make('', `${w.label} with the .json suffix should answer like the plain path`)],
  'form-body': (_d, w) => [w.make('', `${w.label} with a form-encoded body ${should([w.ok])} like JSON`)],
  'success-status': single,
  'created-resource': single,
  'modified-resource': single,
  'delete-removes': single,
  'delete-idempotent-repeat': single,
  'delete-idempotent-never-existed': single,
  'commit-not-duplicated': single,
  pagination: single,
  'nothing-to-build': single,
  'build-handed-out-once': single,
  'build-update-assigned': single,
  'required-attribute': (d, w) => requiredAttributes(d.op).map((name) => w.make(name, `${w.label} without ${name} ${should(w.exp)}`, { omit: name })),
  'unknown-id': (d, w) =>
    d.op.parameters.filter((p) => p.in === 'path').map((p) => w.make(p.name, `${w.label} with an unknown ${p.name} ${should(w.exp)}`, { unknown: p.name })),
  'auth-before-existence': (d, w) => {
    const expect = authFailureStatus(d.op);
    return [w.make('', `${w.label} with an invalid credential and an unknown id ${should(expect)}, not 404`, {}, expect)];
  },
  'method-not-allowed': (d, w) => unsupportedMethods(d.op, d.description).map((method) => w.make(method, `${method} ${d.op.path} ${should(w.exp)}`, { method })),
  conflict: (_d, w) => ['name', 'gitlab_id'].map((field) => w.make(field, `${w.label} with a ${field} another CI project has ${should(w.exp)}`, { field })),
  unprocessable: (d, w) => {
    const field = invalidFieldOf(d);
    return [w.make(field, `${w.label} with an invalid ${field} value ${should(w.exp)}`, { field })];
  },
  'malformed-input': (_d, w) => [
    w.make('bad-json', `${w.label} with a body that is not JSON ${should(w.exp)}`, { body: 'bad-json' }),
    w.make('wrong-type', `${w.label} with an attribute of the wrong type ${should(w.exp)}`, { body: 'wrong-type' }),
  ],
  'no-server-error': (_d, w) =>
    (['huge', 'empty', 'unknown-fields'] as const).map((kind) => w.make(kind, `${w.label} with ${kind.replace('-', ' ')} values should not yield a 5xx`, { input: kind }, [])),
  'generated-valid': (_d, w) => [w.make('', `${w.label} with values generated from its schemas ${should([w.ok])}`)],
  'hostile-input': (d, w) =>
    slotsOf(d.op).map((slot) => {
      const expect = slotStatuses(hostileStatusesOf(d.rule), d.op, slot);
      return w.make(`${slot.in}:${slot.name}`, `${w.label} with a hostile ${slot.name} (${slot.in}) ${should(expect)}, never a 5xx`, { slot: slot.name, in: slot.in }, expect);
    }),
  'model-lists': single,
  // Verified by the Pact provider verification (src/pact), one check per pact interaction.
  'consumer-contract': () => [],
  'auth-accepted': (d, w) => authAcceptedCases(d.rule, w.make, w.label, w.ok),
  'auth-rejected': (d, w) => {
    // The scenario needs to know which credential to spoil and how.
    const spoil: Make = (variant, title, params = {}, expect, needs) =>
      w.make(variant, title, { auth: d.rule.auth as string, variant: d.rule.variant as string, ...params }, expect, needs);
    return authRejectedCases(d.rule, w.label, spoil);
  },
};


function authAcceptedCases(rule: Rule, make: Make, label: string, ok: number): CaseSpec[] {
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

function authRejectedCases(rule: Rule, label: string, make: Make): CaseSpec[] {
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

function hostileStatusesOf(rule: Rule) {
  if (!rule.hostile) throw new Error(`rule ${rule.id}: a hostile-input rule without hostile statuses`);
  return rule.hostile;
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

/**
 * A status only reachable with an optional credential is skipped without it: the 403 of an operation
 * whose first credential is the user's comes from a user without the rights (the operations table says
 * which one).
 */
function prerequisitesForStatus(op: Operation, knowledge: CaseKnowledge, status: number): Prerequisite[] {
  if (status !== 403 || op.auth[0]?.method !== 'user') return [];
  if (!knowledge.forbiddenUser) throw new Error(`${op.operationId} documents 403, but src/scenarios/operations.ts does not say who answers it`);
  return [`${knowledge.forbiddenUser}-token`];
}

function invalidFieldOf(d: Derivation): string {
  if (!d.knowledge.invalid) throw new Error(`${d.op.operationId} has rule ${d.rule.id}, but src/scenarios/operations.ts gives no invalid value for it`);
  return d.knowledge.invalid.field;
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
