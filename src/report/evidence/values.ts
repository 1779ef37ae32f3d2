// What an answer hands out that later requests of a check use: the id and the token of the resource it
// created (chosen by the server: a replay takes them from its own answer), and its name and GitLab project
// id (chosen by the client, but they tie a later request to that resource: a conflict needs it to exist).
import type { WireRequest } from '../../http/types';
import type { Recorded } from './recorded';

export type ResourceKind = 'project' | 'runner' | 'build' | 'commit';

export interface HandedOut {
  kind: ResourceKind;
  id?: number;
  token?: string;
  name?: string;
  gitlabId?: number;
}

/** The creations of the API (POST path below /api/v1, without .json) and what they create. */
const CREATIONS: Record<string, ResourceKind> = {
  '/projects': 'project',
  '/forks': 'project',
  '/runners/register': 'runner',
  '/builds/register': 'build',
  '/commits': 'commit',
};

/** The path segment before a resource's id, and the name of the parameter that carries it. */
const COLLECTIONS: Record<ResourceKind, string> = { project: 'projects', runner: 'runners', build: 'builds', commit: 'commits' };

/** The API path of a request-target: below /api/v1, without the query and the .json suffix. */
function apiPath(target: string): string {
  const path = target.split('?')[0];
  const at = path.lastIndexOf('/api/v1');
  return (at >= 0 ? path.slice(at + '/api/v1'.length) : path).replace(/\.json$/, '');
}

function parseJson(bytes: Buffer | undefined): unknown {
  try {
    return bytes ? JSON.parse(bytes.toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
}

const succeeded = (exchange: Recorded): boolean => exchange.response !== undefined && exchange.response.status >= 200 && exchange.response.status < 300;

const seen = new WeakMap<Recorded, HandedOut | undefined>();

/** What a successful creation handed out; undefined for any other exchange. */
export function handedOut(exchange: Recorded): HandedOut | undefined {
  if (!seen.has(exchange)) seen.set(exchange, readHandedOut(exchange));
  return seen.get(exchange);
}

function readHandedOut(exchange: Recorded): HandedOut | undefined {
  const kind = CREATIONS[apiPath(exchange.request.target)];
  if (exchange.request.method !== 'POST' || !kind || !succeeded(exchange)) return undefined;
  const body = parseJson(exchange.response?.body) as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return {
    kind,
    id: typeof body.id === 'number' ? body.id : undefined,
    token: typeof body.token === 'string' && body.token.length >= 6 ? body.token : undefined,
    // Only a project's name and GitLab project id are unique (a build's name is its job's).
    name: kind === 'project' && typeof body.name === 'string' && body.name ? body.name : undefined,
    gitlabId: kind === 'project' && typeof body.gitlab_id === 'number' ? body.gitlab_id : undefined,
  };
}

/** A request's parameters (query, then a JSON or form body's top-level fields) and all its text. */
export interface RequestView {
  path: string;
  fields: Array<[string, string]>;
  text: string;
}

export function viewOf(request: WireRequest): RequestView {
  const query = request.target.includes('?') ? request.target.slice(request.target.indexOf('?') + 1) : '';
  const bodyText = request.body?.toString('utf8') ?? '';
  const fields: Array<[string, string]> = [...safeParams(query)];
  const json = parseJson(request.body);
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    for (const [name, value] of Object.entries(json)) if (value !== null && typeof value !== 'object') fields.push([name, String(value)]);
  } else if (bodyText.includes('=')) fields.push(...safeParams(bodyText));
  return { path: apiPath(request.target), fields, text: [request.target, safeDecode(request.target), ...request.headers.map(([, v]) => v), bodyText, safeDecode(bodyText)].join('\n') };
}

function safeParams(text: string): Array<[string, string]> {
  return text.split('&').filter(Boolean).map((pair) => {
    const at = pair.indexOf('=');
    return at < 0 ? [safeDecode(pair), ''] : [safeDecode(pair.slice(0, at)), safeDecode(pair.slice(at + 1))];
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** How a request refers to what a creation handed out, if it does. */
export type Reference = 'token' | 'id' | 'name' | 'gitlab-id';

export function referenceTo(view: RequestView, value: HandedOut): Reference | undefined {
  const field = (name: string, wanted: unknown) => wanted !== undefined && view.fields.some(([n, v]) => n === name && v === String(wanted));
  if (value.token && view.text.includes(value.token)) return 'token';
  if (value.id !== undefined) {
    const segment = new RegExp(`/${COLLECTIONS[value.kind]}/${value.id}(/|$)`);
    if (segment.test(view.path) || field(`${value.kind}_id`, value.id)) return 'id';
  }
  if (field('name', value.name)) return 'name';
  if (field('gitlab_id', value.gitlabId)) return 'gitlab-id';
  return undefined;
}

/** Whether an exchange removed what a creation handed out (DELETE of the project, of the runner by its token). */
export function removes(exchange: Recorded, value: HandedOut): boolean {
  if (exchange.request.method !== 'DELETE' || !succeeded(exchange)) return false;
  const path = apiPath(exchange.request.target);
  if (value.kind === 'project') return path === `/projects/${value.id}`;
  return value.kind === 'runner' && path === '/runners/delete' && value.token !== undefined && viewOf(exchange.request).text.includes(value.token);
}

/** Where an id of this kind sits in a request: the path segment after its collection, or the `<kind>_id` parameter. */
export function idPatterns(kind: ResourceKind, id: number): RegExp[] {
  return [
    new RegExp(`(?<=/${COLLECTIONS[kind]}/)${id}(?=[/.?]|$)`, 'gm'),
    new RegExp(`(?<=(?:^|[?&])${kind}_id=)${id}(?=&|$)`, 'gm'),
    new RegExp(`(?<="${kind}_id"\\s*:\\s*)${id}(?=\\s*[,}])`, 'g'),
  ];
}
