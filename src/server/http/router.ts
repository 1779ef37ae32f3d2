// Routing of /api/v1 paths to operations: the optional .json suffix, integer path parameters, and the
// distinction between an unknown path (404) and an undocumented method on a documented path (405).
import type http from 'node:http';
import type { ServerContext } from '../context';
import type { Params } from './body';

export interface RouteRequest {
  method: string;
  /** The path relative to /api/v1, without the .json suffix, e.g. /projects/12. */
  path: string;
  pathParams: Record<string, string>;
  query: Params;
  body: Params;
  /** Why the body could not be read; handlers of operations with a body report it as 400. */
  bodyError?: string;
  /** Query and body merged (the body wins). */
  params: Params;
  headers: http.IncomingHttpHeaders;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: ServerContext, req: RouteRequest) => Reply | Promise<Reply>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** OpenAPI path template, e.g. /projects/{id}/runners/{runner_id}. */
  template: string;
  operationId: string;
  handler: Handler;
}

interface CompiledRoute extends Route {
  segments: Array<{ literal: string } | { param: string }>;
  literals: number;
}

export type RouteMatch =
  | { kind: 'route'; route: Route; pathParams: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

export const API_PREFIX = '/api/v1';
const INTEGER_SEGMENT = /^-?\d+$/;

/** "/api/v1/projects/12.json" -> "/projects/12"; undefined outside the API. */
export function apiPath(pathname: string): string | undefined {
  let path = pathname;
  if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) return undefined;
  path = path.slice(API_PREFIX.length).replace(/\/+$/, '');
  if (path.endsWith('.json')) path = path.slice(0, -'.json'.length);
  return path === '' ? '/' : path;
}

export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.routes = routes.map((route) => {
      const segments = route.template
        .split('/')
        .filter(Boolean)
        .map((s) => (s.startsWith('{') ? { param: s.slice(1, -1) } : { literal: s }));
      return { ...route, segments, literals: segments.filter((s) => 'literal' in s).length };
    });
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').filter(Boolean);
    let best: { route: CompiledRoute; pathParams: Record<string, string> } | undefined;
    const allow = new Set<string>();
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const pathParams: Record<string, string> = {};
      const ok = route.segments.every((seg, i) => {
        if ('literal' in seg) return seg.literal === parts[i];
        if (!INTEGER_SEGMENT.test(parts[i])) return false;
        pathParams[seg.param] = parts[i];
        return true;
      });
      if (!ok) continue;
      allow.add(route.method);
      if (route.method === method && (!best || route.literals > best.route.literals)) best = { route, pathParams };
    }
    if (best) return { kind: 'route', route: best.route, pathParams: best.pathParams };
    if (allow.size > 0) return { kind: 'method-not-allowed', allow: [...allow] };
    return { kind: 'not-found' };
  }
}
