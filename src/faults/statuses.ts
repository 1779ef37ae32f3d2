// Faults of statuses and resource behaviour: the wrong success status, a change answered but not made (or
// made twice), a repeated or unknown DELETE refused, a build handed out twice, the wrong error status.
import { jsonOf, type ProxiedRequest, type ProxiedResponse } from '../http/proxy';
import { answerSome, editRequest, editResponse, type Fault, type FaultContext, type FaultHandler } from './fault';
import { answer, bodyHas, bodyReadable, declaresJson, idOf, is, newRequest, param, refusal, withBodyParam, withJson, withParam, withQueryParam } from './wire';

type Json = Record<string, unknown>;

const NOT_FOUND = () => refusal(404, '404 Not Found');
const SERVER_ERROR = () => refusal(500, '500 Internal Server Error');

/** A request for the same user as `request` (its query and PRIVATE-TOKEN header), to another path. */
function asSameUser(request: ProxiedRequest, method: string, path: string, body?: unknown): ProxiedRequest {
  const at = request.url.indexOf('?');
  const header = request.headers['private-token'];
  return newRequest(method, `${path}${at < 0 ? '' : request.url.slice(at)}`, header === undefined ? {} : { 'private-token': header }, body);
}

const withStatus = (status: number) => (response: ProxiedResponse) => ({ ...response, status });

/** A DELETE /projects/:id that found nothing to delete (its 200 body carries no project). */
const nothingDeleted = (r: ProxiedRequest, res: ProxiedResponse): boolean =>
  is(r, 'DELETE', '/projects/{id}') && res.status === 200 && typeof (jsonOf(res) as Json | undefined)?.id !== 'number';

// ---- faults with memory ---------------------------------------------------------------------------------

/** A repeated push (answered 200 with the existing commit) creates a second commit: answered 201, listed first. */
function duplicatingCommits(ctx: FaultContext): FaultHandler {
  const copies = new Map<number, Json[]>();
  let nextId = 1_900_000_000; // far from the server's ids, below 2^31
  return async (r) => {
    const res = await ctx.forward(r);
    const body = jsonOf(res);
    if (is(r, 'POST', '/commits') && res.status === 200) {
      const commit = body as Json;
      const copy: Json = { ...commit, id: nextId++, created_at: new Date().toISOString() };
      copy.builds = ((commit.builds ?? []) as Json[]).map((b) => ({ ...b, id: nextId++, commit_id: copy.id }));
      copies.set(commit.project_id as number, [copy, ...(copies.get(commit.project_id as number) ?? [])]);
      return withJson({ ...res, status: 201 }, copy);
    }
    const extra = is(r, 'GET', '/commits') && res.status === 200 && Number(param(r, 'page') ?? 1) === 1 ? copies.get(Number(param(r, 'project_id'))) : undefined;
    return extra ? withJson(res, [...extra, ...(body as Json[])].slice(0, Number(param(r, 'per_page') ?? 20))) : res;
  };
}

/** How long a selected build stays "being assigned" (e.g. a database round trip between select and update). */
const SELECTION_MS = 20;

/**
 * Selection and assignment with a pause between them: a runner asking meanwhile that may run the selected
 * build (the same project or shared, the tags of the runner it went to) is handed the same build.
 */
function racingBuildSelection(ctx: FaultContext): FaultHandler {
  let selecting: { response: Promise<ProxiedResponse>; runnerToken: string } | undefined;
  const mayShare = (r: ProxiedRequest, selected: ProxiedResponse, selectedFor: string): boolean => {
    const token = param(r, 'token');
    const projectId = (jsonOf(selected) as Json | undefined)?.project_id;
    // A request the server would refuse before selecting (a bad body, an info that is no object) is not shared.
    const wellFormed = bodyReadable(r) && param(r, 'info') === undefined;
    return selected.status === 201 && wellFormed && token !== undefined && typeof projectId === 'number' && ctx.seen.runnerMayRun(token, projectId, ctx.seen.tagsOfRunner(selectedFor));
  };
  return async (r) => {
    if (!is(r, 'POST', '/builds/register')) return ctx.forward(r);
    const current = selecting;
    if (current) {
      const selected = await current.response;
      return mayShare(r, selected, current.runnerToken) ? selected : ctx.forward(r);
    }
    const response = ctx.forward(r).then((res) => new Promise<ProxiedResponse>((resolve) => setTimeout(() => resolve(res), SELECTION_MS)));
    const selection = { response, runnerToken: param(r, 'token') ?? '' };
    selecting = selection;
    void response.finally(() => {
      if (selecting === selection) selecting = undefined;
    });
    return response;
  };
}

/** Marks the names the server is sent so that no two are equal, and takes the marks out of every answer. */
const ALIAS = '\uE000';
function namesNeverConflicting(ctx: FaultContext): FaultHandler {
  let n = 0;
  return async (r) => {
    const name = is(r, 'POST', '/projects') || is(r, 'PUT', '/projects/{id}') ? param(r, 'name') : undefined;
    const res = await ctx.forward(name !== undefined && name.trim() !== '' ? withParam(r, 'name', `${name}${ALIAS}${++n}`) : r);
    const text = res.body.toString('utf8');
    return text.includes(ALIAS) ? { ...res, body: Buffer.from(text.replace(new RegExp(`${ALIAS}\\d+`, 'g'), '')) } : res;
  };
}

// ---- the catalog -------------------------------------------------------------------------------------------

const SUCCESS_FAULTS: Fault[] = [
  {
    name: 'list-runners-answers-201',
    breaks: 'GET-200',
    description: 'GET /runners answers 201 Created.',
    start: editResponse((r, res) => (is(r, 'GET', '/runners') && res.status === 200 ? withStatus(201)(res) : undefined)),
  },
  {
    name: 'create-project-answers-200',
    breaks: 'POST-201',
    description: 'POST /projects answers 200 OK instead of 201 Created.',
    start: editResponse((r, res) => (is(r, 'POST', '/projects') && res.status === 201 ? withStatus(200)(res) : undefined)),
  },
  {
    name: 'fork-not-saved',
    breaks: 'POST-201',
    description: 'POST /forks answers 201 with the new project but does not keep it: it cannot be read back.',
    start: (ctx) => async (r) => {
      const res = await ctx.forward(r);
      const fork = jsonOf(res) as Json | undefined;
      if (is(r, 'POST', '/forks') && res.status === 201 && typeof fork?.id === 'number') await ctx.forward(asSameUser(r, 'DELETE', `/api/v1/projects/${fork.id}`));
      return res;
    },
  },
  {
    name: 'update-returns-old-project',
    breaks: 'PUT-200',
    description: 'PUT /projects/:id answers the project as it was before the change.',
    start: (ctx) => async (r) => {
      if (!is(r, 'PUT', '/projects/{id}')) return ctx.forward(r);
      const before = await ctx.forward(asSameUser(r, 'GET', `/api/v1/projects/${idOf(r)}`));
      const res = await ctx.forward(r);
      return res.status === 200 && before.status === 200 ? { ...res, body: before.body } : res;
    },
  },
  {
    name: 'delete-keeps-project',
    breaks: 'DELETE-200',
    description: 'DELETE /projects/:id answers 200 and keeps the project (it checks the rights and answers the project, as an empty PUT does).',
    start: (ctx) => async (r) => {
      if (!is(r, 'DELETE', '/projects/{id}')) return ctx.forward(r);
      const kept = await ctx.forward(asSameUser(r, 'PUT', `/api/v1/projects/${idOf(r)}`, {}));
      return kept.status === 404 ? ctx.forward(r) : kept;
    },
  },
  {
    name: 'delete-repeat-404',
    breaks: 'DELETE-IDEMPOTENT-REPEAT',
    description: 'A DELETE of a project deleted before answers 404.',
    start: editResponse((r, res, ctx) => (nothingDeleted(r, res) && ctx.seen.wasProjectDeleted(idOf(r)) ? NOT_FOUND() : undefined)),
  },
  {
    name: 'delete-unknown-404',
    breaks: 'DELETE-IDEMPOTENT-NEVER-EXISTED',
    description: 'A DELETE of a project that never existed answers 404.',
    start: editResponse((r, res, ctx) => (nothingDeleted(r, res) && !ctx.seen.wasProjectDeleted(idOf(r)) ? NOT_FOUND() : undefined)),
  },
  {
    name: 'commit-duplicated',
    breaks: 'COMMIT-NOT-DUPLICATED',
    description: 'Pushing the same sha and ref again creates a second commit.',
    start: duplicatingCommits,
  },
  {
    name: 'pagination-ignored',
    breaks: 'COMMITS-PAGINATED',
    description: 'GET /commits ignores page and per_page and answers every commit.',
    start: editRequest((r) => (is(r, 'GET', '/commits') ? withQueryParam(withQueryParam(r, 'page', undefined), 'per_page', String(Number.MAX_SAFE_INTEGER)) : undefined)),
  },
  {
    name: 'nothing-to-build-200',
    breaks: 'BUILD-REGISTER-NOTHING-404',
    description: 'POST /builds/register answers 200 {} when there is no build for the runner.',
    start: editResponse((r, res) => (is(r, 'POST', '/builds/register') && res.status === 404 ? answer(200, {}) : undefined)),
  },
  {
    name: 'build-selection-races',
    breaks: 'BUILD-HANDED-OUT-ONCE',
    description: 'POST /builds/register pauses between selecting the oldest pending build and assigning it: runners asking meanwhile get the same build.',
    start: racingBuildSelection,
  },
  {
    name: 'build-update-any-runner',
    breaks: 'BUILD-UPDATE-ONLY-ASSIGNED',
    description: 'PUT /builds/:id lets any runner update a build assigned to another runner.',
    start: editRequest((r, ctx) => {
      const token = is(r, 'PUT', '/builds/{id}') ? param(r, 'token') : undefined;
      const assigned = ctx.seen.runnerTokenOfBuild(idOf(r));
      return token !== undefined && assigned !== undefined && ctx.seen.ciTokenKind(token) === 'runner' && ctx.seen.ciTokenKind(assigned) === 'runner'
        ? withParam(r, 'token', assigned)
        : undefined;
    }),
  },
];

const BUILD_STATES = ['running', 'success', 'failed'];

const ERROR_FAULTS: Fault[] = [
  {
    name: 'ssh-url-not-required',
    breaks: 'MISSING-ATTRIBUTE-400',
    description: 'POST /projects without ssh_url_to_repo creates the project with an empty one.',
    start: editRequest((r) => (is(r, 'POST', '/projects') && bodyReadable(r) && !bodyHas(r, 'ssh_url_to_repo') ? withBodyParam(r, 'ssh_url_to_repo', '') : undefined)),
  },
  {
    name: 'missing-name-500',
    breaks: 'MISSING-ATTRIBUTE-400',
    description: 'POST /projects without name fails with 500 (the handler reads name before checking it is there).',
    start: editResponse((r, res) => (is(r, 'POST', '/projects') && res.status === 400 && bodyReadable(r) && !bodyHas(r, 'name') ? SERVER_ERROR() : undefined)),
  },
  {
    name: 'missing-data-422',
    breaks: 'MISSING-ATTRIBUTE-400',
    description: 'POST /commits without data answers 422 instead of 400.',
    start: answerSome((r) => (is(r, 'POST', '/commits') && bodyReadable(r) && !bodyHas(r, 'data') ? refusal(422, '422 Unprocessable: data is missing') : undefined)),
  },
  {
    name: 'unknown-project-200-null',
    breaks: 'UNKNOWN-RESOURCE-404',
    description: 'GET /projects/:id of an unknown id answers 200 with null.',
    start: editResponse((r, res) => (is(r, 'GET', '/projects/{id}') && res.status === 404 ? answer(200, null) : undefined)),
  },
  {
    name: 'method-not-allowed-404',
    breaks: 'METHOD-NOT-ALLOWED-405',
    description: 'An undocumented method on a documented path answers 404 instead of 405.',
    start: editResponse((_r, res) => (res.status === 405 ? NOT_FOUND() : undefined)),
  },
  {
    name: 'duplicate-names-allowed',
    breaks: 'CONFLICT-409',
    description: 'A project name another CI project has is accepted (POST and PUT /projects).',
    start: namesNeverConflicting,
  },
  {
    name: 'build-state-unchecked',
    breaks: 'UNPROCESSABLE-422',
    description: 'PUT /builds/:id ignores a state outside running, success, failed and answers 200.',
    start: editRequest((r) => {
      const state = is(r, 'PUT', '/builds/{id}') ? param(r, 'state') : undefined;
      return state !== undefined && !BUILD_STATES.includes(state) ? withParam(r, 'state', undefined) : undefined;
    }),
  },
  {
    name: 'malformed-json-500',
    breaks: 'MALFORMED-INPUT-400',
    description: 'A body that is not valid JSON fails with 500.',
    start: answerSome((r, ctx) => (ctx.operation(r) && declaresJson(r) && !bodyReadable(r) ? SERVER_ERROR() : undefined)),
  },
  {
    name: 'huge-value-500',
    breaks: 'NO-SERVER-ERROR',
    description: 'A request body over 64 KB fails with 500 (a value too long for its column).',
    start: answerSome((r, ctx) => (ctx.operation(r) && r.body.length > 65_536 ? SERVER_ERROR() : undefined)),
  },
];

export const STATUS_FAULTS: readonly Fault[] = [...SUCCESS_FAULTS, ...ERROR_FAULTS];
