// Where cases are derived: the description + rule catalog become a list of test cases per operation.
// Pure data in, pure data out; the generator writes the result into suites/ and the suite runtime
// (src/suite/) runs each case by its family.
import type { ApiDescription, AuthMethod, CaseFamily, CheckFamily, HttpMethod, Operation, Rule } from '../spec/types';
import { HTTP_METHODS } from '../spec/types';
import { operationLabel } from '../spec/load';
import { hostileStatus, slotsOf, slotStatuses, type Slot } from '../spec/parameter-kinds';
import { expectationOf, expectationText, strictExpectation, successStatus, type StatusOwners } from '../spec/expectations';

/** What a case needs from the configuration beyond the target and the managing user's token. */
export type Prerequisite = 'developer-token' | 'outsider-token' | 'registration-token';

export type CaseParams = Record<string, string | number | boolean>;

export interface CaseSpec {
  /** Unique across the run: operation, rule and variant. */
  id: string;
  rule: string;
  /** Which case of the rule on the operation ('' for its only one); profiles may depart per variant. */
  variant: string;
  family: CaseFamily;
  /**
   * A full sentence stating the expectation, e.g. "POST /projects without name should yield {expected}":
   * the statuses are written in at run time, as the active profile expects them (EXPECTED).
   */
  title: string;
  /** Statuses the strict profile accepts; empty means any status below 500. */
  expect: number[];
  /** For a check of the answer to one status: the case whose request provokes it (src/spec/expectations.ts). */
  provokedBy?: { rule: string; variant: string };
  /** For a case whose statuses are other rules' cases in disguise: the case owning each (src/spec/expectations.ts). */
  owners?: StatusOwners;
  params: CaseParams;
  needs: Prerequisite[];
}

export interface OperationCases {
  operationId: string;
  label: string;
  /** The operation's success status (what a request a profile does not refuse answers). */
  success: number;
  cases: CaseSpec[];
}

/** Where a case title states its expectation; the suite writes the statuses of the active profile there. */
const EXPECTED = '{expected}';

export interface SuiteFileSpec {
  /** e.g. "01_projects" */
  name: string;
  tag: string;
  operations: OperationCases[];
}

/**
 * A case as a profile expects it: the statuses it accepts and its title stating them (EXPECTED written
 * in), or why the profile does not judge it (src/spec/expectations.ts decides).
 */
export function caseUnder(profile: string, rules: ReadonlyMap<string, Rule>, spec: CaseSpec, operation: Pick<OperationCases, 'operationId' | 'success'>): { spec: CaseSpec; skip?: string } {
  const key = { rule: spec.rule, operationId: operation.operationId, variant: spec.variant, strict: spec.expect, success: operation.success, provokedBy: spec.provokedBy, owners: spec.owners };
  const expectation = expectationOf(key, profile, rules);
  const title = spec.title.replace(EXPECTED, expectationText(expectation, spec.expect, profile));
  if ('skip' in expectation) return { spec: { ...spec, title }, skip: expectation.skip };
  return { spec: { ...spec, title, expect: expectation.statuses } };
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
  /** Documented statuses provoked in a way of their own, by the rule whose case that way is. */
  provoke?: Partial<Record<number, { by: string; variant?: string }>>;
}

export type KnowledgeOf = (operationId: string) => CaseKnowledge;

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
        success: successStatus(op),
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

type Make = (variant: string, title: string, params?: CaseParams, needs?: Prerequisite[]) => CaseSpec;

/** What every family's cases are made with: the case maker and the operation's name. */
interface Wording {
  make: Make;
  label: string;
}

function casesFor(d: Derivation): CaseSpec[] {
  const make: Make = (variant, title, params = {}, needs = []) => ({
    id: `${d.op.operationId}:${d.rule.id}${variant ? `:${variant}` : ''}`,
    rule: d.rule.id,
    variant,
    // consumer-contract rules make no case (see FAMILY_CASES).
    family: d.rule.family as CaseFamily,
    title,
    expect: strictExpectation(d.rule, d.op),
    params,
    needs,
  });
  return FAMILY_CASES[d.rule.family](d, { make, label: operationLabel(d.op) });
}

const should = `should yield ${EXPECTED}`;

/** One case stating the rule's title. */
const single = (d: Derivation, w: Wording) => [w.make('', `${w.label}: ${lowerFirst(d.rule.title)} (${should})`)];

/** A case per documented status, checking the body of the answer the operation gives the request that provokes it. */
const perStatus = (what: string) => (d: Derivation, w: Wording) =>
  documentedStatuses(d.op).map((status) => ({
    ...w.make(String(status), `${w.label} answering ${status}: the body ${what}`, { status }, prerequisitesForStatus(d.op, d.knowledge, status)),
    expect: [status],
    provokedBy: provokerOf(d, status),
  }));

/** How each family of rules becomes cases. */
const FAMILY_CASES: Record<CheckFamily, (d: Derivation, w: Wording) => CaseSpec[]> = {
  'response-json': perStatus('is JSON with Content-Type application/json'),
  'response-schema': perStatus('matches the schema of its status'),
  'json-suffix': (_d, w) => [w.make('', `${w.label} with the .json suffix should answer like the plain path`)],
  'form-body': (_d, w) => [w.make('', `${w.label} with a form-encoded body ${should} like JSON`)],
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
  'required-attribute': (d, w) => requiredAttributes(d.op).map((name) => w.make(name, `${w.label} without ${name} ${should}`, { omit: name })),
  'unknown-id': (d, w) =>
    d.op.parameters.filter((p) => p.in === 'path').map((p) => w.make(p.name, `${w.label} with an unknown ${p.name} ${should}`, { unknown: p.name })),
  'auth-before-existence': (_d, w) => [w.make('', `${w.label} with an invalid credential and an unknown id ${should}, not 404`)],
  'method-not-allowed': (d, w) => unsupportedMethods(d.op, d.description).map((method) => w.make(method, `${method} ${d.op.path} ${should}`, { method })),
  conflict: (_d, w) => ['name', 'gitlab_id'].map((field) => w.make(field, `${w.label} with a ${field} another CI project has ${should}`, { field })),
  unprocessable: (d, w) => {
    const field = invalidFieldOf(d);
    return [w.make(field, `${w.label} with an invalid ${field} value ${should}`, { field })];
  },
  'malformed-input': (_d, w) => [
    w.make('bad-json', `${w.label} with a body that is not JSON ${should}`, { body: 'bad-json' }),
    w.make('wrong-type', `${w.label} with an attribute of the wrong type ${should}`, { body: 'wrong-type' }),
  ],
  'no-server-error': (_d, w) =>
    (['huge', 'empty', 'unknown-fields'] as const).map((kind) => w.make(kind, `${w.label} with ${kind.replace('-', ' ')} values should not yield a 5xx`, { input: kind })),
  'generated-valid': (_d, w) => [w.make('', `${w.label} with values generated from its schemas ${should}`)],
  'hostile-input': (d, w) =>
    slotsOf(d.op).map((slot) => {
      const expect = slotStatuses(hostileStatusesOf(d.rule), d.op, slot);
      const owners = ownersOf(d, slot, expect);
      return {
        ...w.make(`${slot.in}:${slot.name}`, `${w.label} with a hostile ${slot.name} (${slot.in}) ${should}, never a 5xx`, { slot: slot.name, in: slot.in }),
        expect,
        ...(owners ? { owners } : {}),
      };
    }),
  'model-lists': single,
  // Verified by the Pact provider verification (src/pact), one check per pact interaction.
  'consumer-contract': () => [],
  'auth-accepted': (d, w) => authAcceptedCases(d.rule, w.make, w.label),
  'auth-rejected': (d, w) => {
    // The scenario needs to know which credential to spoil and how.
    const spoil: Make = (variant, title, params = {}, needs) =>
      w.make(variant, title, { auth: d.rule.auth as string, variant: d.rule.variant as string, ...params }, needs);
    return authRejectedCases(d.rule, w.label, spoil);
  },
};

function authAcceptedCases(rule: Rule, make: Make, label: string): CaseSpec[] {
  switch (rule.id) {
    case 'AUTH-USER-QUERY':
      return [make('', `${label} with the user token in the query and url ${should}`, { userForm: 'query' })];
    case 'AUTH-USER-HEADER':
      return [make('', `${label} with the user token in the PRIVATE-TOKEN header and url ${should}`, { userForm: 'header' })];
    case 'AUTH-REGISTRATION-ACCEPTED':
      return [make('', `${label} with the runners registration token ${should}`, { token: 'registration' }, ['registration-token'])];
    case 'AUTH-REGISTRATION-PROJECT-TOKEN':
      return [make('', `${label} with a project token ${should}`, { token: 'project' })];
    default:
      return [make('', `${label} with the ${rule.auth} token ${should}`)];
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
  switch (rule.variant) {
    case 'missing':
      return [make('', `${label} without a ${method} token ${should}`)];
    case 'invalid':
      return [make('', `${label} with an unknown ${method} token ${should}`)];
    case 'wrong-kind':
      return OTHER_KINDS[method].map((kind) =>
        make(kind, `${label} with a ${kind} token in place of the ${method} token ${should}`, { kind }, kind === 'registration' ? ['registration-token'] : []),
      );
    case 'untrusted-url':
      return [
        make('other', `${label} with a url that is not the trusted GitLab ${should}`, { url: 'other' }),
        make('missing', `${label} without url ${should}`, { url: 'missing' }),
      ];
    case 'not-manager':
      return [make('', `${label} by a user who can see but not manage the project ${should}`, {}, ['developer-token'])];
    case 'outsider':
      return [make('', `${label} by a user with no access to the project ${should}`, {}, ['outsider-token'])];
    case 'other-project':
      return [
        make('', `${label} with the token of another project ${should}`),
        make('unknown-project', `${label} with a project token and a project id that names no project ${should}`, { unknownProject: true }),
      ];
    case 'deleted':
      return [make('', `${label} with the token of a deleted runner ${should}`)];
    default:
      throw new Error(`rule ${rule.id}: auth-rejected without a known variant`);
  }
}

/**
 * The statuses of a hostile slot that are another rule's cases in disguise: a hostile credential is a
 * credential nobody has (an untrusted url for the url); a value outside an enum or a blank text is an
 * unprocessable value (422). Their answers follow those cases' profile departures.
 */
function ownersOf(d: Derivation, slot: Slot, statuses: number[]): StatusOwners | undefined {
  const credential = credentialCaseOf(d, slot);
  const checksUnprocessable = d.description.catalog.rules.some((r) => r.family === 'unprocessable' && d.op.rules.includes(r.id));
  const credentialStatus = hostileStatus(hostileStatusesOf(d.rule), d.op, slot, 'content');
  const owners: StatusOwners = {};
  for (const status of statuses) {
    if (credential && status === credentialStatus) owners[status] = credential;
    else if (status === 422 && checksUnprocessable) owners[status] = provokerOf(d, 422);
  }
  return Object.keys(owners).length ? owners : undefined;
}

/** A hostile value of a credential: the case of the rule refusing an unknown credential of that kind on the operation. */
function credentialCaseOf(d: Derivation, slot: Slot): { rule: string; variant: string } | undefined {
  const method = slot.kind === 'user-token' || slot.kind === 'gitlab-url' ? 'user' : slot.kind === 'ci-token' ? d.op.parameters.find((p) => p.name === slot.name && p.in === slot.in)?.credential : undefined;
  if (!method || method === 'gitlab-url') return undefined;
  const variant = slot.kind === 'gitlab-url' ? 'untrusted-url' : 'invalid';
  const rule = d.description.catalog.rules.find((r) => r.family === 'auth-rejected' && r.auth === method && r.variant === variant && d.op.rules.includes(r.id));
  return rule && { rule: rule.id, variant: variant === 'untrusted-url' ? 'other' : '' };
}

function hostileStatusesOf(rule: Rule) {
  if (!rule.hostile) throw new Error(`rule ${rule.id}: a hostile-input rule without hostile statuses`);
  return rule.hostile;
}

/** The families of an operation's plain success (whose rule a success status belongs to). */
const SUCCESS_FAMILIES: CheckFamily[] = ['success-status', 'created-resource', 'modified-resource', 'delete-removes'];

/**
 * The case whose request makes the operation answer a documented status (src/scenarios/families.ts
 * `provoke` sends that request): a check of that answer follows the case's expectation under a profile.
 */
function provokerOf(d: Derivation, status: number): { rule: string; variant: string } {
  const { op, knowledge, description } = d;
  const rules = description.catalog.rules;
  // The rule of the family, whether or not the operation lists it (PUT /builds/:id answers 400 to a missing token).
  const ofFamily = (family: CheckFamily) => rules.find((r) => r.family === family)?.id;
  const found = ((): { rule: string | undefined; variant: string } => {
    const special = knowledge.provoke?.[status];
    if (special) return { rule: special.by, variant: special.variant ?? '' };
    if (status === successStatus(op)) return { rule: rules.find((r) => SUCCESS_FAMILIES.includes(r.family) && op.rules.includes(r.id))?.id, variant: '' };
    switch (status) {
      case 400: {
        const [first] = requiredAttributes(op);
        return first ? { rule: ofFamily('required-attribute'), variant: first } : { rule: ofFamily('malformed-input'), variant: 'bad-json' };
      }
      case 401:
        return { rule: rules.find((r) => r.auth === 'user' && r.variant === 'invalid')?.id, variant: '' };
      case 403: {
        const method = op.auth[0]?.method;
        const variant = method !== 'user' ? 'invalid' : knowledge.forbiddenUser === 'outsider' ? 'outsider' : 'not-manager';
        return { rule: rules.find((r) => r.family === 'auth-rejected' && r.auth === method && r.variant === variant)?.id, variant: '' };
      }
      case 404:
        return { rule: ofFamily('unknown-id'), variant: op.parameters.find((p) => p.in === 'path')?.name ?? '' };
      case 409:
        return { rule: ofFamily('conflict'), variant: 'name' };
      case 422:
        return { rule: ofFamily('unprocessable'), variant: invalidFieldOf(d) };
      default:
        return { rule: undefined, variant: '' };
    }
  })();
  if (!found.rule) throw new Error(`${op.operationId} documents ${status}, but no case of its rules provokes it`);
  return { rule: found.rule, variant: found.variant };
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
