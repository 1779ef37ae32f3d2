// Shared by the tests of the reference server: a running stack and an HTTP client that checks every
// response it sees: Content-Type exactly application/json, a JSON body, and (for documented statuses of
// a documented operation) the status and body against the OpenAPI description.
import { loadDescription } from '../../src/spec/load';
import { createResponseValidator, matchOperation, type ResponseValidatorFn } from '../../src/spec/response-validator';
import type { ApiDescription } from '../../src/spec/types';
import { startReferenceStack, type RunningReferenceStack } from '../../src/server';
import { encodeForm } from '../../src/http/encode';

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON (default) or form-encoded (encoding: 'form'). */
  body?: unknown;
  encoding?: 'json' | 'form';
  /** A raw body, sent as is with contentType. */
  raw?: string;
  contentType?: string;
  /** Use the user token of this role with the trusted url (query form unless userIn = 'header'). */
  as?: 'maintainer' | 'developer' | 'outsider';
  userIn?: 'query' | 'header';
  /** Skip the OpenAPI check (for statuses the description deliberately leaves out, e.g. 405). */
  unchecked?: boolean;
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export class TestApi {
  readonly problems: string[] = [];

  constructor(
    readonly stack: RunningReferenceStack,
    readonly description: ApiDescription,
    private readonly validate: ResponseValidatorFn,
  ) {}

  get users(): RunningReferenceStack['users'] {
    return this.stack.users;
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
    const url = new URL(`${this.stack.url}/api/v1${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.as) {
      url.searchParams.set('url', this.stack.gitlabUrl);
      const token = this.stack.users[options.as];
      if (options.userIn === 'header') headers['PRIVATE-TOKEN'] = token;
      else url.searchParams.set('private_token', token);
    }
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      if (options.contentType) headers['Content-Type'] = options.contentType;
    } else if (options.body !== undefined) {
      if (options.encoding === 'form') {
        body = encodeForm(options.body);
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
      } else {
        body = JSON.stringify(options.body);
        headers['Content-Type'] = 'application/json';
      }
    }
    const res = await fetch(url, { method, headers, body });
    const text = await res.text();
    const result: CallResult = { status: res.status, headers: res.headers, body: undefined, text };
    const label = `${method} ${path} -> ${res.status}`;
    const fail = (problem: string): never => {
      this.problems.push(`${label}: ${problem}`);
      throw new Error(`${label}: ${problem}\n${text.slice(0, 500)}`);
    };
    if (res.headers.get('content-type') !== 'application/json') fail(`Content-Type is ${res.headers.get('content-type')}`);
    try {
      result.body = JSON.parse(text);
    } catch {
      fail('the body is not JSON');
    }
    if (res.status >= 500) fail('server error');
    if (res.status >= 400 && (typeof result.body?.message !== 'string' || !result.body.message)) fail('an error without message');
    if (!options.unchecked && res.status !== 405) {
      const op = matchOperation(this.description, method, path);
      if (op) {
        const errors = this.validate(op, res.status, result.body);
        if (errors.length > 0) fail(errors.join('; '));
      }
    }
    return result;
  }

  // ---- shortcuts for arranging state ---------------------------------------------------------

  private nextGitlabId = 1001;

  /** A CI project on the next free GitLab project of the maintainer. */
  async createProject(overrides: Record<string, unknown> = {}): Promise<any> {
    const gitlabId = this.nextGitlabId++;
    const res = await this.call('POST', '/projects', {
      as: 'maintainer',
      body: {
        name: `project-${gitlabId}-${Math.random().toString(36).slice(2, 8)}`,
        gitlab_id: gitlabId,
        path: `conformance/ci-target-${gitlabId}`,
        ssh_url_to_repo: `git@127.0.0.1:conformance/ci-target-${gitlabId}.git`,
        ...overrides,
      },
    });
    if (res.status !== 201) throw new Error(`could not create a project: ${res.status} ${res.text}`);
    return res.body;
  }

  takeGitlabId(): number {
    return this.nextGitlabId++;
  }

  async registerRunner(token: string, extra: Record<string, unknown> = {}): Promise<{ id: number; token: string }> {
    const res = await this.call('POST', '/runners/register.json', { body: { token, ...extra } });
    if (res.status !== 201) throw new Error(`could not register a runner: ${res.status} ${res.text}`);
    return res.body;
  }

  async push(project: { id: number; token: string }, data: Record<string, unknown> = {}): Promise<CallResult> {
    const sha = (data.after as string) ?? randomSha();
    return this.call('POST', '/commits', {
      body: {
        project_id: project.id,
        project_token: project.token,
        data: {
          before: '0000000000000000000000000000000000000000',
          after: sha,
          ref: 'refs/heads/master',
          commits: [{ id: sha, message: 'A commit\n', author: { name: 'Dev', email: 'dev@example.com' } }],
          ...data,
        },
      },
    });
  }
}

export function randomSha(): string {
  let s = '';
  while (s.length < 40) s += Math.random().toString(16).slice(2);
  return s.slice(0, 40);
}

let described: Promise<{ description: ApiDescription; validate: ResponseValidatorFn }> | undefined;

export function describedApi(): Promise<{ description: ApiDescription; validate: ResponseValidatorFn }> {
  described ??= loadDescription().then((description) => ({ description, validate: createResponseValidator(description) }));
  return described;
}

/** Starts a stack for a test file (behaving as a profile, when given); call in beforeAll and close in afterAll. */
export async function startTestApi(registrationToken?: string, behave?: string): Promise<TestApi> {
  const { description, validate } = await describedApi();
  const stack = await startReferenceStack({ registrationToken, behave });
  return new TestApi(stack, description, validate);
}
