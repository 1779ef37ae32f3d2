// Pure edits of an ApiRequest: what the scenarios do to a valid request to break one thing about it.
import type { ApiRequest, BodyEncoding } from './types';

export type ParamLocation = 'query' | 'header' | 'body';

export function setParam(request: ApiRequest, location: ParamLocation, name: string, value: unknown): ApiRequest {
  if (location === 'query') return { ...request, query: { ...request.query, [name]: value as string } };
  if (location === 'header') return { ...request, headers: { ...request.headers, [name]: String(value) } };
  return { ...request, body: { ...(request.body as object), [name]: value } };
}

export function removeParam(request: ApiRequest, location: ParamLocation, name: string): ApiRequest {
  const without = <T extends object | undefined>(o: T): T => {
    if (!o) return o;
    const copy = { ...o } as Record<string, unknown>;
    delete copy[name];
    return copy as T;
  };
  if (location === 'query') return { ...request, query: without(request.query) };
  if (location === 'header') return { ...request, headers: without(request.headers) };
  return { ...request, body: without(request.body as object | undefined) };
}

export function withJsonSuffix(request: ApiRequest): ApiRequest {
  return { ...request, path: `${request.path}.json` };
}

export function withEncoding(request: ApiRequest, encoding: BodyEncoding): ApiRequest {
  return { ...request, encoding };
}

export function withMethod(request: ApiRequest, method: string): ApiRequest {
  return { ...request, method };
}

export function withRawBody(request: ApiRequest, rawBody: string): ApiRequest {
  return { ...request, rawBody };
}

export function bodyOf(request: ApiRequest): Record<string, unknown> {
  return (request.body ?? {}) as Record<string, unknown>;
}
