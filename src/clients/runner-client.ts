// What a GitLab CI runner does with the API (reference: the Ruby runner v5 and the Go multi-runner v0.x):
// register, poll for builds, report progress, check it is still registered, unregister. Paths carry the
// .json suffix where the real runners use it; every request asks for JSON (Accept: application/json).
import type { ApiRequest, ApiResponse, BodyEncoding, Transport } from '../http/types';
import { ApiError, expectJson } from './errors';
import type { BuildAssignment, BuildState, Runner, RunnerInfo } from './types';

export interface RunnerClientOptions {
  /** The runner token, when the runner is already registered (register() sets it otherwise). */
  token?: string;
  /** Sent with register, requestBuild and JSON updates, like the Go runner does. */
  info?: RunnerInfo;
  /** How updateBuild encodes its body: `form` like the Ruby runner (default), `json` like the Go runner. */
  updateEncoding?: BodyEncoding;
  /**
   * Whether paths carry the .json suffix, as both real runners send them (default). The suites' own
   * state set-up sends plain paths: their set-up must not depend on what rule JSON-SUFFIX checks.
   */
  jsonSuffix?: boolean;
}

export interface Registration {
  /** The runners registration token (a shared runner) or a project token (a runner specific to it). */
  token: string;
  description?: string;
  /** Tags, sent comma-separated as tag_list. */
  tags?: string[];
}

export type BuildRequestResult = { kind: 'build'; build: BuildAssignment } | { kind: 'nothing' } | { kind: 'forbidden' };
/** `aborted`: the build is no longer running for this runner (404), the runner stops it. */
export type BuildUpdateResult = 'ok' | 'aborted' | 'forbidden';
/** `alive`: the server knows the runner (404 for build -1); `removed`: it does not (403). */
export type VerifyResult = 'alive' | 'removed';

const JSON_HEADERS = { Accept: 'application/json' };

export class RunnerClient {
  private runnerToken: string | undefined;

  constructor(
    private readonly api: Transport,
    private readonly options: RunnerClientOptions = {},
  ) {
    this.runnerToken = options.token;
  }

  /** The runner's token once registered. */
  get token(): string | undefined {
    return this.runnerToken;
  }

  /** POST /runners/register.json; 201 answers the new runner, whose token the client keeps. */
  async register(registration: Registration): Promise<Runner> {
    const body: Record<string, unknown> = {
      token: registration.token,
      ...(registration.description !== undefined ? { description: registration.description } : {}),
      ...(registration.tags !== undefined ? { tag_list: registration.tags.join(',') } : {}),
      ...this.infoField(),
    };
    const request: ApiRequest = { method: 'POST', path: this.path('/runners/register'), headers: JSON_HEADERS, body };
    const response = await this.api.send(request);
    if (response.status !== 201) throw this.error(request, response, [registration.token]);
    const runner = expectJson(label(request), response, [registration.token]) as Runner;
    this.runnerToken = runner.token;
    return runner;
  }

  /** POST /builds/register.json: 201 a build to run, 404 nothing to do, 403 the token is not (or no longer) valid. */
  async requestBuild(): Promise<BuildRequestResult> {
    const token = this.requireToken();
    const request: ApiRequest = { method: 'POST', path: this.path('/builds/register'), headers: JSON_HEADERS, body: { ...this.infoField(), token } };
    const response = await this.api.send(request);
    switch (response.status) {
      case 201:
        return { kind: 'build', build: expectJson(label(request), response, [token]) as BuildAssignment };
      case 404:
        return { kind: 'nothing' };
      case 403:
        return { kind: 'forbidden' };
      default:
        throw this.error(request, response, [token]);
    }
  }

  /** PUT /builds/:id.json with the state and trace: 200 ok, 404 the build was aborted, 403 forbidden. */
  async updateBuild(buildId: number, state: BuildState, trace?: string): Promise<BuildUpdateResult> {
    const token = this.requireToken();
    const encoding = this.options.updateEncoding ?? 'form';
    const body: Record<string, unknown> = {
      ...(encoding === 'json' ? this.infoField() : {}),
      token,
      state,
      ...(trace !== undefined ? { trace } : {}),
    };
    const request: ApiRequest = { method: 'PUT', path: this.path(`/builds/${buildId}`), headers: JSON_HEADERS, body, encoding };
    const response = await this.api.send(request);
    switch (response.status) {
      case 200:
        expectJson(label(request), response, [token]);
        return 'ok';
      case 404:
        return 'aborted';
      case 403:
        return 'forbidden';
      default:
        throw this.error(request, response, [token]);
    }
  }

  /** The Go runner's health check: PUT /builds/-1 (a build that cannot exist); 404 alive, 403 removed. */
  async verify(): Promise<VerifyResult> {
    const token = this.requireToken();
    const request: ApiRequest = { method: 'PUT', path: '/builds/-1', headers: JSON_HEADERS, body: { token } };
    const response = await this.api.send(request);
    if (response.status === 404) return 'alive';
    if (response.status === 403) return 'removed';
    throw this.error(request, response, [token]);
  }

  /** DELETE /runners/delete with the runner token in a JSON body; success only on 200. */
  async delete(): Promise<void> {
    const token = this.requireToken();
    const request: ApiRequest = { method: 'DELETE', path: '/runners/delete', headers: JSON_HEADERS, body: { token } };
    const response = await this.api.send(request);
    if (response.status !== 200) throw this.error(request, response, [token]);
    expectJson(label(request), response, [token]);
  }

  private path(plain: string): string {
    return this.options.jsonSuffix === false ? plain : `${plain}.json`;
  }

  private infoField(): { info?: RunnerInfo } {
    return this.options.info ? { info: this.options.info } : {};
  }

  private requireToken(): string {
    if (!this.runnerToken) throw new Error('the runner is not registered: register() first or pass options.token');
    return this.runnerToken;
  }

  private error(request: ApiRequest, response: ApiResponse, secrets: string[]): ApiError {
    return ApiError.from(label(request), response, secrets);
  }
}

export function label(request: Pick<ApiRequest, 'method' | 'path'>): string {
  return `${request.method} ${request.path}`;
}
