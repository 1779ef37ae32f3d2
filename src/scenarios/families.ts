// One scenario per check family (spec/rules.yaml `family`): arrange a valid request, break exactly one
// thing about it, send it, and judge the answers with the pure checks of src/checks.
import crypto from 'node:crypto';
import {
  failures,
  handedOutOnce,
  jsonResponse,
  notAServerError,
  pageSize,
  reflectsInput,
  sameAnswer,
  statusConformance,
  type Exchange,
} from '../checks';
import { requiredAttributes } from '../derive/cases';
import { removeParam, setParam, withEncoding, withJsonSuffix, withMethod, withRawBody, bodyOf } from '../http/request';
import type { ApiRequest } from '../http/types';
import type { AuthMethod, CaseFamily } from '../spec/types';
import { fillPath, getProjectRequest, NO_SUCH_PROJECT, type Prepared } from './arrange';
import { forbiddenUserOf, invalidValueOf, knowledgeOf, type IdKind } from './operations';
import { NotJudged, type CaseContext, type Scenario } from './context';
import { GENERATED_SCENARIOS } from './generated';
import { MODEL_SCENARIOS } from './model-lists';

/** An id no resource has: far above what any server hands out, below 2^31 for servers with 32-bit ids. */
function unknownId(): number {
  return 2_100_000_000 + crypto.randomInt(40_000_000);
}

/**
 * An unknown id for a path parameter, confirmed unknown where a request with it could change something
 * that is not the run's: a project id no GET finds, a runner id GET /runners does not list. Build ids
 * need no check: a runner can only ever touch its own builds.
 */
const CONFIRM_UNKNOWN: Record<IdKind, (ctx: CaseContext) => Promise<number>> = {
  project: async (ctx) => {
    const unknown = ctx.expected(NO_SUCH_PROJECT);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const id = unknownId();
      if (unknown.includes((await ctx.world.api.send(getProjectRequest(ctx.world, id))).status)) return id;
    }
    throw new Error('found no project id that GET /projects/:id answers 404 for; not sending a request that could change an existing project');
  },
  runner: async (ctx) => {
    const runners = await ctx.world.api.send({ method: 'GET', path: '/runners', ...ctx.world.userAuth() });
    const taken = new Set(Array.isArray(runners.body) ? runners.body.map((r: { id: number }) => r.id) : []);
    let id = unknownId();
    while (taken.has(id)) id = unknownId();
    return id;
  },
  build: async () => unknownId(),
};

async function confirmedUnknownId(ctx: CaseContext, name: string): Promise<number> {
  const kind = knowledgeOf(ctx.op.operationId).ids?.[name];
  if (!kind) throw new Error(`src/scenarios/operations.ts does not say what the path parameter ${name} of ${ctx.op.operationId} names`);
  return CONFIRM_UNKNOWN[kind](ctx);
}

async function withUnknownPathId(ctx: CaseContext, prepared: Prepared, name: string): Promise<ApiRequest> {
  return withPathId(prepared, name, await confirmedUnknownId(ctx, name));
}

/** A token nobody was ever given. */
function unknownToken(): string {
  return `conformance-unknown-${crypto.randomBytes(10).toString('hex')}`;
}

/** Where the credential of `method` sits in a prepared request, and the request with it replaced or removed. */
function withCredential(prepared: Prepared, method: AuthMethod, value: string | undefined): ApiRequest {
  if (method === 'user') {
    const bare = removeParam(removeParam(prepared.request, 'query', 'private_token'), 'header', 'PRIVATE-TOKEN');
    return value === undefined ? bare : setParam(bare, 'query', 'private_token', value);
  }
  const slot = prepared.credentials.find((c) => c.method === method);
  if (!slot) throw new Error(`the arrangement of this operation has no ${method} credential`);
  return value === undefined ? removeParam(prepared.request, slot.location, slot.name) : setParam(prepared.request, slot.location, slot.name, value);
}

/** The token of another kind that the run holds (wrong-kind variants). */
async function tokenOfKind(ctx: CaseContext, kind: string): Promise<string> {
  switch (kind) {
    case 'user':
      return ctx.config.privateToken;
    case 'project':
      return (await ctx.world.otherProject()).token;
    case 'runner':
      return (await ctx.world.sharedRunner()).token;
    case 'registration':
      return ctx.config.registrationToken as string;
    default:
      throw new Error(`unknown token kind ${kind}`);
  }
}

/** The private token of the developer (sees, may not manage) or of the outsider (cannot see). */
function userToken(ctx: CaseContext, who: 'developer' | 'outsider'): string | undefined {
  return who === 'developer' ? ctx.config.developerToken : ctx.config.outsiderToken;
}

function authMethodOf(ctx: CaseContext): AuthMethod {
  return ctx.op.auth[0].method;
}

function withPathId(prepared: Prepared, name: string, id: number): ApiRequest {
  return { ...prepared.request, path: fillPath(prepared.pathTemplate, { ...prepared.pathParams, [name]: id }) };
}

async function expectStatus(ctx: CaseContext, request: ApiRequest): Promise<string[]> {
  return failures(statusConformance(await ctx.send(request), ctx.spec.expect));
}

async function successWithEvidence(ctx: CaseContext, request: ApiRequest, prepared: Prepared): Promise<string[]> {
  const exchange = await ctx.send(request);
  const status = statusConformance(exchange, ctx.spec.expect);
  if (status) return [status];
  return failures(prepared.reflects ? reflectsInput(exchange.response.body, prepared.reflects) : undefined);
}

const successStatusScenario: Scenario = async (ctx) => expectStatus(ctx, (await ctx.arrange()).request);

const createdOrModified: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  const exchange = await ctx.send(prepared.request);
  const status = statusConformance(exchange, ctx.spec.expect);
  if (status) return [status];
  const problems = failures(
    exchange.response.body === undefined || exchange.response.text.trim() === '' ? 'The response has no body; expected the resource as JSON.' : undefined,
    ...ctx.validate(ctx.op, exchange.response.status, exchange.response.body).map((e) => `The returned resource does not match the schema: ${e}.`),
    prepared.reflects ? reflectsInput(exchange.response.body, prepared.reflects) : undefined,
  );
  if (problems.length || !prepared.readBack) return problems;
  const readBack = prepared.readBack(exchange.response.body);
  const answer = await ctx.send(readBack.request);
  return failures(
    ctx.expected(readBack.judgedBy).includes(answer.response.status)
      ? readBack.finds(answer.response.body)
      : `The resource could not be read back: ${readBack.request.method} ${readBack.request.path} answered ${answer.response.status}.`,
  );
};

const deleteRemoves: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  const first = await expectStatus(ctx, prepared.request);
  if (first.length || !prepared.gone) return first;
  const gone = await prepared.gone();
  const after = await ctx.send(gone.request);
  const expected = ctx.expected(gone.judgedBy);
  return expected.includes(after.response.status)
    ? []
    : [`The resource is still there after DELETE: ${gone.what} answered ${after.response.status}, expected ${expected.join(' or ')}.`];
};

/** The rule a first, successful DELETE of the operation answers by (before it is repeated). */
const DELETED = { rule: 'DELETE-200' };

const deleteRepeat: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  const first = await ctx.send(prepared.request);
  const second = await ctx.send(prepared.request);
  return failures(
    statusConformance(first, ctx.expected(DELETED)),
    ctx.spec.expect.includes(second.response.status)
      ? undefined
      : `The second identical DELETE answered ${second.response.status}, expected ${ctx.spec.expect.join(' or ')}${ctx.spec.expect.includes(200) ? ' (DELETE is idempotent)' : ''}.`,
  );
};

const deleteNeverExisted: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  const last = Object.keys(prepared.pathParams).at(-1) as string;
  return expectStatus(ctx, await withUnknownPathId(ctx, prepared, last));
};

const requiredAttribute: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  const name = String(ctx.spec.params.omit);
  const location = ctx.op.parameters.find((p) => p.name === name)?.in === 'query' ? 'query' : 'body';
  return expectStatus(ctx, removeParam(prepared.request, location, name));
};

const unknownIdScenario: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  return expectStatus(ctx, await withUnknownPathId(ctx, prepared, String(ctx.spec.params.unknown)));
};

const authBeforeExistence: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  const idName = Object.keys(prepared.pathParams)[0];
  const unknown = { ...prepared, request: withPathId(prepared, idName, unknownId()) };
  return expectStatus(ctx, withCredential(unknown, authMethodOf(ctx), unknownToken()));
};

const methodNotAllowed: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  const method = String(ctx.spec.params.method);
  const request = withMethod(prepared.request, method);
  return expectStatus(ctx, method === 'GET' ? { ...request, body: undefined } : request);
};

const conflict: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  const existing = await ctx.world.otherProject();
  const request =
    ctx.spec.params.field === 'name'
      ? setParam(prepared.request, 'body', 'name', existing.name)
      : setParam(prepared.request, 'body', 'gitlab_id', existing.gitlabId);
  return expectStatus(ctx, request);
};

const unprocessable: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  const { field, value } = invalidValueOf(ctx.op);
  return expectStatus(ctx, setParam(prepared.request, 'body', field, value));
};

const malformedInput: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  if (ctx.spec.params.body === 'bad-json') return expectStatus(ctx, withRawBody(prepared.request, '{"token": "unterminated'));
  const attributes = ctx.op.parameters.filter((p) => p.in === 'body');
  const target = attributes.find((p) => !p.credential && p.required) ?? attributes.find((p) => !p.credential) ?? attributes[0];
  return expectStatus(ctx, setParam(prepared.request, 'body', target.name, valueOfAnotherType(target.schema.type)));
};

/** A value that is certainly not of the schema's type: a string for objects, an object for the rest. */
function valueOfAnotherType(type: unknown): unknown {
  return type === 'object' ? 'a string where an object belongs' : { unexpected: ['an object where a value belongs'] };
}

// Huge, but within what HTTP itself carries: 100 KB in a body; in a URL, 2 KB (front ends and Node
// refuse request lines past about 8 KB before the API ever sees them, which says nothing of the API).
const HUGE = { body: 'x'.repeat(100_000), query: 'x'.repeat(2_000) };

const noServerError: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  let request = prepared.request;
  const kind = ctx.spec.params.input;
  if (kind === 'unknown-fields') {
    request =
      request.body !== undefined
        ? { ...request, body: { ...bodyOf(request), conformance_unknown: { nested: [1, 'two', null] } } }
        : setParam(request, 'query', 'conformance_unknown', '[]{}');
  } else {
    for (const p of ctx.op.parameters) {
      const isString = p.schema.type === 'string';
      if (p.credential === 'user' || p.credential === 'gitlab-url' || p.in === 'path' || !isString) continue;
      const location = p.in === 'query' ? 'query' : 'body';
      request = setParam(request, location, p.name, kind === 'huge' ? HUGE[location] : '');
    }
  }
  return failures(notAServerError(await ctx.send(request)));
};

const jsonSuffix: Scenario = async (ctx) => {
  const [plain, suffixed] = await Promise.all([ctx.arrange(), ctx.arrange()]);
  const a = await ctx.send(plain.request);
  const b = await ctx.send(withJsonSuffix(suffixed.request));
  return failures(statusConformance(a, ctx.spec.expect), sameAnswer(a, b, 'request with the .json suffix'));
};

const formBody: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  return successWithEvidence(ctx, withEncoding(prepared.request, 'form'), prepared);
};

const authAccepted: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  let request = prepared.request;
  if (ctx.spec.params.userForm === 'header') {
    request = setParam(withCredential(prepared, 'user', undefined), 'header', 'PRIVATE-TOKEN', ctx.config.privateToken);
  }
  if (ctx.spec.params.token === 'registration') {
    request = withCredential(prepared, 'registration', ctx.config.registrationToken);
  }
  return successWithEvidence(ctx, request, prepared);
};

const authRejected: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  const method = ctx.spec.params.auth as AuthMethod;
  let request: ApiRequest;
  switch (ctx.spec.params.variant) {
    case 'missing':
      request = withCredential(prepared, method, undefined);
      break;
    case 'invalid':
      request = withCredential(prepared, method, unknownToken());
      break;
    case 'wrong-kind':
      request = withCredential(prepared, method, await tokenOfKind(ctx, String(ctx.spec.params.kind)));
      break;
    case 'untrusted-url':
      request =
        ctx.spec.params.url === 'missing'
          ? removeParam(prepared.request, 'query', 'url')
          : // .invalid never resolves (RFC 2606): a server that calls it cannot reach anything.
            setParam(prepared.request, 'query', 'url', 'http://gitlab.invalid/');
      break;
    case 'not-manager':
      request = withCredential(prepared, 'user', ctx.config.developerToken);
      break;
    case 'outsider':
      request = withCredential(prepared, 'user', ctx.config.outsiderToken);
      break;
    case 'other-project': {
      if (ctx.spec.params.unknownProject) {
        request = setParam(prepared.request, 'body' in prepared.request && prepared.request.body !== undefined ? 'body' : 'query', 'project_id', unknownId());
      } else {
        request = withCredential(prepared, 'project', (await ctx.world.otherProject()).token);
      }
      break;
    }
    case 'deleted':
      request = withCredential(prepared, 'runner', await ctx.world.deletedRunnerToken());
      break;
    default:
      throw new Error(`unknown auth variant ${String(ctx.spec.params.variant)}`);
  }
  return expectStatus(ctx, request);
};

/** The rule a POST that creates answers by. */
const CREATED = { rule: 'POST-201' };

const commitNotDuplicated: Scenario = async (ctx) => {
  const prepared = await ctx.arrange();
  const first = await ctx.send(prepared.request);
  const second = await ctx.send(prepared.request);
  const firstId = (first.response.body as { id?: unknown } | undefined)?.id;
  const secondId = (second.response.body as { id?: unknown } | undefined)?.id;
  const body = bodyOf(prepared.request);
  const listing = await ctx.send({ method: 'GET', path: '/commits', query: { project_id: body.project_id as number, project_token: body.project_token as string, per_page: 100 } });
  const sha = (body.data as { after: string }).after;
  const copies = Array.isArray(listing.response.body) ? listing.response.body.filter((c: { sha?: unknown }) => c.sha === sha).length : -1;
  return failures(
    statusConformance(first, ctx.expected(CREATED)),
    statusConformance(second, ctx.spec.expect),
    firstId === secondId ? undefined : `The repeated push answered commit ${JSON.stringify(secondId)}, the first ${JSON.stringify(firstId)}.`,
    copies === 1 ? undefined : `GET /commits lists the pushed commit ${copies} times, expected once.`,
  );
};

const pagination: Scenario = async (ctx) => {
  const project = await ctx.scope.createProject();
  const total = 21; // one more than the documented default page size of 20
  // The pages are counted, not ordered: the pushes go out together (within --concurrency).
  await Promise.all(Array.from({ length: total }, () => ctx.scope.pushCommit(project)));
  const list = (query: Record<string, number>) =>
    ctx.send({ method: 'GET', path: '/commits', query: { project_id: project.id, project_token: project.token, ...query } });
  const [byDefault, secondPage, small] = await Promise.all([list({}), list({ page: 2 }), list({ per_page: 5, page: 5 })]);
  return failures(
    pageSize(byDefault, 20, 'GET /commits without per_page'),
    pageSize(secondPage, 1, 'GET /commits?page=2'),
    pageSize(small, 1, 'GET /commits?per_page=5&page=5 (of 21)'),
  );
};

const nothingToBuild: Scenario = async (ctx) => {
  const project = await ctx.scope.createProject();
  const runner = await ctx.scope.registerRunner(project);
  return expectStatus(ctx, { method: 'POST', path: '/builds/register', body: { token: runner.token } });
};

const buildHandedOutOnce: Scenario = async (ctx) => {
  const project = await ctx.scope.createProject();
  const builds = 3;
  // Runners and pending builds only meet at POST /builds/register: both are made at once.
  const [runners] = await Promise.all([
    Promise.all(Array.from({ length: 6 }, () => ctx.scope.registerRunner(project))),
    Promise.all(Array.from({ length: builds }, () => ctx.scope.pushCommit(project))),
  ]);
  const answers: Exchange[] = await Promise.all(
    runners.map((r) => ctx.send({ method: 'POST', path: '/builds/register', body: { token: r.token } })),
  );
  const assigned = ctx.expected(CREATED);
  const handed = answers.filter((a) => assigned.includes(a.response.status)).map((a) => (a.response.body as { id: number }).id);
  return failures(
    handedOutOnce(handed),
    new Set(handed).size === builds ? undefined : `${new Set(handed).size} distinct builds were handed out to 6 runners asking at once, expected all ${builds}.`,
  );
};

const buildUpdateAssigned: Scenario = async (ctx) => {
  const { project, buildId } = await ctx.scope.runningBuild();
  const stranger = await ctx.scope.registerRunner(project);
  return expectStatus(ctx, { method: 'PUT', path: `/builds/${buildId}`, body: { token: stranger.token, state: 'success', trace: 'not mine' } });
};

/**
 * The request that makes the operation answer `status`, for the representation checks: the request of
 * the case that provokes it (CaseSpec.provokedBy; src/derive/cases.ts names it, this sends it).
 */
async function provoke(ctx: CaseContext, status: number): Promise<Exchange> {
  const prepared = await ctx.arrange();
  const special = knowledgeOf(ctx.op.operationId).provoke?.[status];
  return ctx.send(await (special ? special.send(ctx, prepared) : provokeGenerically(ctx, prepared, status)));
}

function provokeGenerically(ctx: CaseContext, prepared: Prepared, status: number): ApiRequest | Promise<ApiRequest> {
  const method = authMethodOf(ctx);
  switch (status) {
    case 200:
    case 201:
      return prepared.request;
    case 400: {
      const [first] = requiredAttributes(ctx.op);
      return first ? removeParam(prepared.request, ctx.op.parameters.find((p) => p.name === first)?.in === 'query' ? 'query' : 'body', first) : withRawBody(prepared.request, '{');
    }
    case 401:
      return withCredential(prepared, 'user', unknownToken());
    case 403:
      if (method !== 'user') return withCredential(prepared, method, unknownToken());
      return withCredential(prepared, 'user', userToken(ctx, forbiddenUserOf(ctx.op)));
    case 404:
      return withUnknownPathId(ctx, prepared, Object.keys(prepared.pathParams)[0]);
    case 409:
      return ctx.world.otherProject().then((other) => setParam(prepared.request, 'body', 'name', other.name));
    case 422: {
      const { field, value } = invalidValueOf(ctx.op);
      return setParam(prepared.request, 'body', field, value);
    }
    default:
      throw new Error(`no way to provoke ${status} on ${ctx.op.operationId}`);
  }
}

const responseJson: Scenario = async (ctx) => {
  const exchange = await provoke(ctx, Number(ctx.spec.params.status));
  return failures(jsonResponse(exchange));
};

const responseSchema: Scenario = async (ctx) => {
  const status = Number(ctx.spec.params.status);
  const exchange = await provoke(ctx, status);
  const answered = exchange.response.status;
  if (answered >= 500) return [`Could not see the ${status} answer to check its schema: the request meant to provoke it answered ${answered}.`];
  if (answered !== status) {
    // A 2xx or 4xx other than the one provoked is the provoking rule's to judge (a profile may expect it);
    // a server error is nobody's expectation, so it fails above.
    const by = ctx.spec.provokedBy?.rule ?? 'the rule of that request';
    throw new NotJudged(`the request that provokes ${status} was answered ${answered} (a status ${by} judges): no ${status} body to check`);
  }
  return ctx.validate(ctx.op, status, exchange.response.body).map((e) => `The ${status} body does not match its schema: ${e}.`);
};

export const SCENARIOS: Record<CaseFamily, Scenario> = {
  'response-json': responseJson,
  'response-schema': responseSchema,
  'json-suffix': jsonSuffix,
  'form-body': formBody,
  'success-status': successStatusScenario,
  'created-resource': createdOrModified,
  'modified-resource': createdOrModified,
  'delete-removes': deleteRemoves,
  'delete-idempotent-repeat': deleteRepeat,
  'delete-idempotent-never-existed': deleteNeverExisted,
  'required-attribute': requiredAttribute,
  'unknown-id': unknownIdScenario,
  'method-not-allowed': methodNotAllowed,
  conflict,
  unprocessable,
  'malformed-input': malformedInput,
  'no-server-error': noServerError,
  'auth-accepted': authAccepted,
  'auth-rejected': authRejected,
  'auth-before-existence': authBeforeExistence,
  'commit-not-duplicated': commitNotDuplicated,
  pagination,
  'nothing-to-build': nothingToBuild,
  'build-handed-out-once': buildHandedOutOnce,
  'build-update-assigned': buildUpdateAssigned,
  ...GENERATED_SCENARIOS,
  ...MODEL_SCENARIOS,
};
