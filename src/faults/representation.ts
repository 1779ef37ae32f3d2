// Faults of representation: the .json suffix, form bodies, the body's schema, JSON and its Content-Type.
import { jsonOf } from '../http/proxy';
import { answerSome, editResponse, type Fault } from './fault';
import { declaresForm, is, refusal, withJson, withResponseHeader } from './wire';

export const REPRESENTATION_FAULTS: readonly Fault[] = [
  {
    name: 'json-suffix-404',
    breaks: 'JSON-SUFFIX',
    description: 'Paths with the .json suffix answer 404.',
    start: answerSome((r) => (r.path.replace(/\/+$/, '').endsWith('.json') ? refusal(404, '404 Not Found') : undefined)),
  },
  {
    name: 'form-body-refused',
    breaks: 'FORM-BODY',
    description: 'application/x-www-form-urlencoded bodies are refused with 400.',
    start: answerSome((r, ctx) => (ctx.operation(r)?.requestBodySchema && declaresForm(r) ? refusal(400, '400 (Bad request) form bodies are not supported') : undefined)),
  },
  {
    name: 'project-timeout-as-string',
    breaks: 'RESPONSE-SCHEMA',
    description: 'GET /projects/:id answers timeout as a string ("3600").',
    start: editResponse((r, res) => {
      const project = jsonOf(res) as Record<string, unknown> | undefined;
      return is(r, 'GET', '/projects/{id}') && res.status === 200 && project ? withJson(res, { ...project, timeout: String(project.timeout) }) : undefined;
    }),
  },
  {
    name: 'not-found-as-text',
    breaks: 'JSON-RESPONSE',
    description: 'A 404 answers text/plain "Not Found".',
    start: editResponse((_r, res) => (res.status === 404 ? withResponseHeader({ ...res, body: Buffer.from('Not Found') }, 'content-type', 'text/plain') : undefined)),
  },
  {
    name: 'fork-created-empty-body',
    breaks: 'POST-201',
    description: 'POST /forks answers 201 with an empty body.',
    start: editResponse((r, res) => (is(r, 'POST', '/forks') && res.status === 201 ? { ...res, body: Buffer.alloc(0) } : undefined)),
  },
  {
    name: 'project-created-partial-body',
    breaks: 'POST-201',
    description: 'POST /projects answers 201 with only id, name, token and gitlab_id of the new project.',
    start: editResponse((r, res) => {
      if (!is(r, 'POST', '/projects') || res.status !== 201) return undefined;
      const { id, name, token, gitlab_id } = (jsonOf(res) ?? {}) as Record<string, unknown>;
      return withJson(res, { id, name, token, gitlab_id });
    }),
  },
  {
    name: 'errors-not-json',
    breaks: 'JSON-RESPONSE',
    description: 'Every 4xx answers a plain-text body with Content-Type text/plain.',
    start: editResponse((_r, res) =>
      res.status >= 400 && res.status < 500 ? withResponseHeader({ ...res, body: Buffer.from(`Error ${res.status}`) }, 'content-type', 'text/plain; charset=utf-8') : undefined,
    ),
  },
  {
    name: 'errors-html-content-type',
    breaks: 'JSON-RESPONSE',
    description: 'Every 4xx keeps its JSON body but says Content-Type text/html.',
    start: editResponse((_r, res) => (res.status >= 400 && res.status < 500 ? withResponseHeader(res, 'content-type', 'text/html; charset=utf-8') : undefined)),
  },
  {
    name: 'success-latin1-charset',
    breaks: 'JSON-RESPONSE',
    description: 'Every 2xx says Content-Type application/json; charset=iso-8859-1.',
    start: editResponse((_r, res) => (res.status < 300 ? withResponseHeader(res, 'content-type', 'application/json; charset=iso-8859-1') : undefined)),
  },
  {
    name: 'commits-without-author-email',
    breaks: 'RESPONSE-SCHEMA',
    description: 'GET /commits leaves the required git_author_email out of every commit.',
    start: editResponse((r, res) => {
      const body = jsonOf(res);
      if (!is(r, 'GET', '/commits') || res.status !== 200 || !Array.isArray(body)) return undefined;
      return withJson(res, body.map(({ git_author_email: _dropped, ...commit }: Record<string, unknown>) => commit));
    }),
  },
];
