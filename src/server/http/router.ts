// Which route a request is for: the API path (the .json suffix is optional), id path parameters, and
// the difference between an unknown path (404) and an undocumented method on a documented path (405).
import { pathId } from './params';
import type { Route } from './route';

interface CompiledRoute {
  route: Route;
  segments: Array<{ literal: string } | { param: string }>;
  literals: number;
}

export type RouteMatch =
  | { kind: 'route'; route: Route; path: string; pathParams: Record<string, string>; ids: Record<string, number> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

const API_PREFIX = '/api/v1';

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

  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => {
      const segments = route.template
        .split('/')
        .filter(Boolean)
        .map((s) => (s.startsWith('{') ? { param: s.slice(1, -1) } : { literal: s }));
      return { route, segments, literals: segments.filter((s) => 'literal' in s).length };
    });
  }

  /** The route for a method and an API path (see apiPath; undefined: outside the API). */
  match(method: string, path: string | undefined): RouteMatch {
    if (path === undefined) return { kind: 'not-found' };
    const parts = path.split('/').filter(Boolean);
    let best: { compiled: CompiledRoute; pathParams: Record<string, string>; ids: Record<string, number> } | undefined;
    const allow = new Set<string>();
    for (const compiled of this.routes) {
      if (compiled.segments.length !== parts.length) continue;
      const pathParams: Record<string, string> = {};
      const ids: Record<string, number> = {};
      const ok = compiled.segments.every((seg, i) => {
        if ('literal' in seg) return seg.literal === parts[i];
        // A segment that is no id the route takes names no resource: the path is unknown (404).
        const id = pathId(parts[i], compiled.route.negativeIds);
        if (id === undefined) return false;
        pathParams[seg.param] = parts[i];
        ids[seg.param] = id;
        return true;
      });
      if (!ok) continue;
      allow.add(compiled.route.method);
      if (compiled.route.method === method && (!best || compiled.literals > best.compiled.literals)) best = { compiled, pathParams, ids };
    }
    if (best) return { kind: 'route', route: best.compiled.route, path, pathParams: best.pathParams, ids: best.ids };
    if (allow.size > 0) return { kind: 'method-not-allowed', allow: [...allow] };
    return { kind: 'not-found' };
  }
}
