// The registry of what a run creates on a target: each kind of resource, how its creation is recognised
// from a request and its answer, how it is removed, which answers mean it is gone, and in which order
// kinds are removed. This file is where the promise "the suite touches only what it creates" is kept:
// only what `recognise` accepts is ever recorded, and only what was recorded is ever removed (by the
// fixtures, by a suite file's clean-up and by the run's sweep alike).
//
// A new kind of resource to clean up: one entry in KINDS (and its shape in `Resource`).
import { userAuth, type UserCredentials } from '../clients';
import { TransportError } from '../http/client';
import type { ApiRequest, ApiResponse, Transport } from '../http/types';

/** Something the run created on the target (a runner recorded from a partial answer may lack its id). */
export type Resource =
  | { kind: 'project'; id: number; gitlabId?: number }
  | { kind: 'runner'; id?: number; token: string }
  | { kind: 'link'; projectId: number; runnerId: number };

type Kind = Resource['kind'];
type Of<K extends Kind> = Extract<Resource, { kind: K }>;

/** What the run holds, to judge whether something a request created is certainly its own. */
export interface Holdings {
  /** GitLab project ids the run took and has not given back (each had no CI project when it took it). */
  holdsGitlabId(id: number): boolean;
  /** Whether a resource of the run (by resourceKey) is alive. */
  owns(key: string): boolean;
}

interface ResourceKind<K extends Kind> {
  /**
   * What a 2xx answer to a POST of `path` (below /api/v1, without .json) created, when it is certainly
   * the run's own; undefined for anything else. A broken server answering 2xx with someone else's
   * resource must change nothing.
   */
  recognise(path: string, body: Record<string, unknown>, holdings: Holdings): Of<K> | undefined;
  key(resource: Of<K>): string;
  describe(resource: Of<K>): string;
  /** The request that removes it (user requests carry `user`'s credentials). */
  removal(resource: Of<K>, user: UserCredentials): ApiRequest;
  /** The statuses of that request that mean the resource is gone. */
  gone(status: number): boolean;
  /**
   * How a creation that got no usable answer is looked for: the paths that create one, the name the
   * request's body gave it, and the line that tells a user what may be left. Absent: such a resource goes
   * with what it refers to (a link goes with its project).
   */
  sought?: {
    creates(path: string): boolean;
    nameIn(body: Record<string, unknown>): unknown;
    /** `names`: what the requests called them, quoted; `why`: what came instead of an answer. */
    line(names: string, why: string): string;
  };
}

const success = (status: number) => status >= 200 && status < 300;

/** In removal order: what refers to a resource goes before it (a project's removal takes its links, never its runners). */
const KINDS: { [K in Kind]: ResourceKind<K> } = {
  link: {
    // A link between the run's own project and the run's own runner, nothing else.
    recognise(path, _body, holdings) {
      const link = /^\/projects\/(\d+)\/runners\/(\d+)$/.exec(path);
      if (!link || !holdings.owns(`project:${link[1]}`) || !holdings.owns(`runner:${link[2]}`)) return undefined;
      return { kind: 'link', projectId: Number(link[1]), runnerId: Number(link[2]) };
    },
    key: (r) => `link:${r.projectId}:${r.runnerId}`,
    describe: (r) => `link of runner ${r.runnerId} to project ${r.projectId}`,
    removal: (r, user) => ({ method: 'DELETE', path: `/projects/${r.projectId}/runners/${r.runnerId}`, ...userAuth(user) }),
    // 404: the project is gone already, taking the link with it (GitLab CI 8.0 also answered 404 to a repeat).
    gone: (status) => success(status) || status === 404,
  },
  runner: {
    // A registration always creates a new runner: recorded by its token, even when the rest of the answer is wrong.
    recognise(path, body) {
      if (path !== '/runners/register' || typeof body.token !== 'string') return undefined;
      return { kind: 'runner', id: typeof body.id === 'number' ? body.id : undefined, token: body.token };
    },
    key: (r) => `runner:${r.id ?? r.token}`,
    describe: (r) => `runner ${r.id ?? '(id unknown)'}`,
    removal: (r) => ({ method: 'DELETE', path: '/runners/delete', body: { token: r.token } }),
    // 403: the token no longer authenticates, the runner was deleted before (as GitLab CI 8.0 answered a repeat).
    gone: (status) => success(status) || status === 403,
    // Without its token a runner cannot be removed, and the API lists no descriptions to find it by.
    sought: {
      creates: (path) => path === '/runners/register',
      nameIn: (body) => body.description,
      line: (names, why) => `runners registered by requests that got no usable answer (${why}), if the target made them: descriptions ${names}; the API lists no descriptions and removing one needs its token: remove them by hand`,
    },
  },
  project: {
    // A CI project (or a fork's) attached to a GitLab project the run holds: it had no CI project when taken.
    recognise(path, body, holdings) {
      if ((path !== '/projects' && path !== '/forks') || typeof body.id !== 'number') return undefined;
      const gitlabId = Number(body.gitlab_id);
      return holdings.holdsGitlabId(gitlabId) ? { kind: 'project', id: body.id, gitlabId } : undefined;
    },
    key: (r) => `project:${r.id}`,
    describe: (r) => `CI project ${r.id}${r.gitlabId === undefined ? '' : ` (gitlab_id ${r.gitlabId})`}`,
    removal: (r, user) => ({ method: 'DELETE', path: `/projects/${r.id}`, ...userAuth(user) }),
    // 404: gone already (GitLab CI 8.0 answered 404 to a repeated DELETE).
    gone: (status) => success(status) || status === 404,
    // The run's sweep finds such projects by name in the user's listing (src/runner/run.ts) while the target answers.
    sought: {
      creates: (path) => path === '/projects' || path === '/forks',
      // A fork's CI project is named after data.name_with_namespace (a form body flattens it).
      nameIn: (body) => body.name ?? (body.data as Record<string, unknown> | undefined)?.name_with_namespace ?? body['data[name_with_namespace]'],
      line: (names, why) => `CI projects created by requests that got no usable answer (${why}), if the target made them: names ${names}; the target could not be asked`,
    },
  },
};

/** Kinds in the order they are removed. */
export const REMOVAL_ORDER = Object.keys(KINDS) as Kind[];

/** The entry of a resource's kind (one cast: TypeScript cannot correlate the union with the mapped type). */
const kindOf = (resource: Resource) => KINDS[resource.kind] as unknown as ResourceKind<Kind>;

/** What a request created, if the answer says it did and it is certainly the run's own. */
export function recogniseCreation(request: Pick<ApiRequest, 'method' | 'path'>, response: Pick<ApiResponse, 'status' | 'body'>, holdings: Holdings): Resource | undefined {
  const body = response.body;
  if (request.method !== 'POST' || !success(response.status) || !body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const path = request.path.replace(/\.json$/, '');
  for (const kind of REMOVAL_ORDER) {
    const resource = KINDS[kind].recognise(path, body as Record<string, unknown>, holdings);
    if (resource) return resource;
  }
  return undefined;
}

export function resourceKey(resource: Resource): string {
  return kindOf(resource).key(resource);
}

export function describeResource(resource: Resource): string {
  return kindOf(resource).describe(resource);
}

/** A creation that got no usable answer (none, or one that does not say what it made): it may exist, known only by the name it was given. */
export interface Unanswered {
  kind: Kind;
  /** The name (or description) the request gave it, if any. */
  name?: string;
  /** What came instead of a usable answer ("timed out after 2000 ms"). */
  why: string;
}

/** The unanswered creation a request would be, if it creates a kind that can be looked for. */
export function unansweredCreation(request: Pick<ApiRequest, 'method' | 'path' | 'body' | 'rawBody'>, why: string): Unanswered | undefined {
  if (request.method !== 'POST') return undefined;
  const path = request.path.replace(/\.json$/, '');
  const kind = REMOVAL_ORDER.find((k) => KINDS[k].sought?.creates(path));
  const fields = fieldsOf(request);
  // A body no server can read asks for nothing to be made.
  if (!kind || !fields) return undefined;
  const name = KINDS[kind].sought!.nameIn(fields);
  return { kind, name: typeof name === 'string' ? name : undefined, why };
}

/** Whether a request (the fixtures', a check's or a replayed one) is one that removes `resource`. */
export function removedBy(request: Pick<ApiRequest, 'method' | 'path' | 'query' | 'body' | 'rawBody'>, resource: Resource): boolean {
  // The removal as the registry sends it; the user's credentials do not decide which resource it is.
  const removal = kindOf(resource).removal(resource, { privateToken: '', gitlabUrl: '' });
  if (request.method !== removal.method || request.path.replace(/\.json$/, '') !== removal.path) return false;
  return resource.kind !== 'runner' || fieldsOf(request)?.token === resource.token || request.query?.token === resource.token;
}

/** Lines saying what creations that got no usable answer may have left, one per kind. */
export function describeUnanswered(unanswered: readonly Unanswered[]): string[] {
  return REMOVAL_ORDER.flatMap((kind) => {
    const ofKind = unanswered.filter((u) => u.kind === kind);
    if (!ofKind.length) return [];
    const names = [...new Set(ofKind.map((u) => (u.name === undefined ? '(none given)' : JSON.stringify(u.name))))].join(', ');
    return [KINDS[kind].sought!.line(names, [...new Set(ofKind.map((u) => u.why))].join('; '))];
  });
}

/** The fields of a request's body, sent as a value or as JSON or form text; undefined for JSON that does not parse. */
function fieldsOf(request: Pick<ApiRequest, 'body' | 'rawBody'>): Record<string, unknown> | undefined {
  if (request.rawBody === undefined) return request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  const text = Buffer.from(request.rawBody).toString('utf8');
  if (!/^\s*[[{]/.test(text)) return Object.fromEntries(new URLSearchParams(text));
  try {
    const json: unknown = JSON.parse(text);
    return json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  } catch {
    return undefined;
  }
}

/** How a removal went: gone, or the status that refused it, or the error that kept it from being answered. */
export type Removal = { gone: true } | { gone: false; status: number } | { gone: false; error: unknown };

/** Removes one resource through the API. Never throws. */
export async function removeResource(api: Transport, user: UserCredentials, resource: Resource): Promise<Removal> {
  const kind = kindOf(resource);
  try {
    const { status } = await api.send(kind.removal(resource, user));
    return kind.gone(status) ? { gone: true } : { gone: false, status };
  } catch (error) {
    return { gone: false, error };
  }
}

/** Whether a removal that failed may have removed it all the same (the server may have got the request). */
export function removalMayHaveHappened(removal: Removal): boolean {
  return 'error' in removal && removal.error instanceof TransportError && removal.error.mayHaveArrived;
}

/** Why a removal failed, in a few words (no secret: statuses and transport causes only). */
export function whyNotRemoved(removal: Exclude<Removal, { gone: true }>): string {
  if ('status' in removal) return `the server answered ${removal.status}`;
  const error = removal.error as { reason?: unknown; message?: unknown };
  return String(error?.reason ?? error?.message ?? removal.error);
}
