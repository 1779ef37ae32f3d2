// Consumer: a GitLab CI runner (the Ruby runner v5 and the Go multi-runner v0.x, see the project's
// reference on real clients). What it needs from the API, driven through the RunnerClient it would ship:
// .json paths, JSON bodies with Accept: application/json (Go) and form bodies for build updates (Ruby),
// 201 / 404 / 403 on builds/register, 200 / 404 / 403 on build updates, and PUT builds/-1 answering
// 404 while the runner exists and 403 once it was removed.
import * as MatchersV3 from '@pact-foundation/pact/src/v3/matchers';
import { RunnerClient } from '../../src/clients';
import { STATE } from '../../src/pact/state-names';
import { checkAgainstCommitted, consumerPact, GIVEN, formBody, JSON_CONTENT_TYPE, sha, transportFor } from '../support/pact';

const { like, integer, string, boolean, fromProviderState } = MatchersV3;

const cp = consumerPact('gitlab-runner');
const { pact } = cp;
afterAll(() => checkAgainstCommitted(cp));

// Example values from the API docs; the provider's real values replace them during verification.
const RUNNER_TOKEN = 'd14963981a428f70121777e50643d1';
const PROJECT_TOKEN = 'iPWx6WM4lhHNedGfBpPJNP';
const REGISTRATION_TOKEN = 'REGISTRATION-TOKEN-EXAMPLE';
const BUILD_ID = 79;
const GO_INFO = {
  name: 'gitlab-ci-multi-runner',
  version: '0.7.2',
  revision: '998cf5d',
  platform: 'linux',
  architecture: 'amd64',
  executor: 'shell',
  features: { variables: true, image: false, services: false },
};

const runnerToken = () => fromProviderState('${runnerToken}', RUNNER_TOKEN);
const buildPath = () => fromProviderState('/api/v1/builds/${buildId}.json', `/api/v1/builds/${BUILD_ID}.json`);
const JSON_REQUEST = { 'Content-Type': 'application/json', Accept: 'application/json' };
const FORM_REQUEST = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
const RUNNER = { id: integer(85), token: string('12b68e90394084703135') };

const goRunner = (mockUrl: Parameters<typeof transportFor>[0], token?: string) =>
  new RunnerClient(transportFor(mockUrl), { token, info: GO_INFO, updateEncoding: 'json' });
const rubyRunner = (mockUrl: Parameters<typeof transportFor>[0], token?: string) => new RunnerClient(transportFor(mockUrl), { token });

describe('gitlab-runner -> gitlab-ci-api', () => {
  describe('registration', () => {
    it('registers a shared runner with the runners registration token (Go runner)', () =>
      pact
        .addInteraction()
        .given(STATE.registrationToken)
        .uponReceiving('a runner registration with the runners registration token')
        .withRequest('POST', '/api/v1/runners/register.json', (b) =>
          b.headers(JSON_REQUEST).jsonBody({
            info: GO_INFO,
            token: fromProviderState('${registrationToken}', REGISTRATION_TOKEN),
            description: 'pact shared runner',
            tag_list: 'docker,linux',
          }),
        )
        .willRespondWith(201, (b) => b.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(RUNNER))
        .executeTest(async (mock) => {
          const runner = goRunner(mock);
          const registered = await runner.register({ token: REGISTRATION_TOKEN, description: 'pact shared runner', tags: ['docker', 'linux'] });
          expect(registered).toEqual({ id: 85, token: '12b68e90394084703135' });
          expect(runner.token).toBe('12b68e90394084703135');
        }));

    it('registers a specific runner with a project token (Ruby runner)', () =>
      pact
        .addInteraction()
        .given(...GIVEN.project)
        .uponReceiving('a runner registration with a project token')
        .withRequest('POST', '/api/v1/runners/register.json', (b) =>
          b.headers(JSON_REQUEST).jsonBody({
            token: fromProviderState('${projectToken}', PROJECT_TOKEN),
            description: 'pact specific runner',
            tag_list: 'ruby,pact',
          }),
        )
        .willRespondWith(201, (b) => b.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(RUNNER))
        .executeTest(async (mock) => {
          const registered = await rubyRunner(mock).register({ token: PROJECT_TOKEN, description: 'pact specific runner', tags: ['ruby', 'pact'] });
          expect(registered.id).toBe(85);
        }));

    it('is refused with a token that is no registration token (403)', () =>
      pact
        .addInteraction()
        .uponReceiving('a runner registration with an invalid token')
        .withRequest('POST', '/api/v1/runners/register.json', (b) =>
          b.headers(JSON_REQUEST).jsonBody({ info: GO_INFO, token: 'not-a-registration-token', description: 'pact runner', tag_list: 'docker' }),
        )
        .willRespondWith(403)
        .executeTest(async (mock) => {
          await expect(goRunner(mock).register({ token: 'not-a-registration-token', description: 'pact runner', tags: ['docker'] })).rejects.toMatchObject({
            name: 'ApiError',
            status: 403,
          });
        }));
  });

  describe('polling for builds', () => {
    it('receives the pending build (201)', () =>
      pact
        .addInteraction()
        .given(...GIVEN.project)
        .given(...GIVEN.runner)
        .given(...GIVEN.pendingBuild)
        .uponReceiving('a request for a build when one is pending')
        .withRequest('POST', '/api/v1/builds/register.json', (b) => b.headers(JSON_REQUEST).jsonBody({ info: GO_INFO, token: runnerToken() }))
        .willRespondWith(201, (b) =>
          b.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({
            id: integer(BUILD_ID),
            project_id: integer(6),
            commands: string('make test'),
            repo_url: string('git@demo.gitlab.com:gitlab/gitlab-shell.git'),
            sha: sha(),
            ref: string('master'),
            before_sha: string('0000000000000000000000000000000000000000'),
            allow_git_fetch: boolean(true),
            timeout: integer(3600),
          }),
        )
        .executeTest(async (mock) => {
          const result = await goRunner(mock, RUNNER_TOKEN).requestBuild();
          expect(result).toMatchObject({ kind: 'build', build: { id: BUILD_ID, ref: 'master', commands: 'make test' } });
        }));

    it('hears that there is nothing to do (404)', () =>
      pact
        .addInteraction()
        .given(...GIVEN.project)
        .given(...GIVEN.runner)
        .uponReceiving('a request for a build when there is none')
        .withRequest('POST', '/api/v1/builds/register.json', (b) => b.headers(JSON_REQUEST).jsonBody({ info: GO_INFO, token: runnerToken() }))
        .willRespondWith(404)
        .executeTest(async (mock) => {
          expect(await goRunner(mock, RUNNER_TOKEN).requestBuild()).toEqual({ kind: 'nothing' });
        }));

    it('is refused once the runner was deleted (403)', () =>
      pact
        .addInteraction()
        .given(...GIVEN.project)
        .given(...GIVEN.runner)
        .given(STATE.runnerDeleted)
        .uponReceiving('a request for a build with the token of a deleted runner')
        .withRequest('POST', '/api/v1/builds/register.json', (b) => b.headers(JSON_REQUEST).jsonBody({ token: runnerToken() }))
        .willRespondWith(403)
        .executeTest(async (mock) => {
          expect(await rubyRunner(mock, RUNNER_TOKEN).requestBuild()).toEqual({ kind: 'forbidden' });
        }));
  });

  describe('reporting progress', () => {
    it('updates a running build with a JSON body (Go runner, 200)', () =>
      pact
        .addInteraction()
        .given(...GIVEN.project)
        .given(...GIVEN.runner)
        .given(...GIVEN.pendingBuild)
        .given(STATE.running)
        .uponReceiving('a JSON update of a running build')
        .withRequest('PUT', buildPath(), (b) =>
          b.headers(JSON_REQUEST).jsonBody({ info: GO_INFO, token: runnerToken(), state: 'running', trace: 'Cloning repository...\n$ make test\n' }),
        )
        .willRespondWith(200, (b) => b.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(like({ id: integer(BUILD_ID) })))
        .executeTest(async (mock) => {
          expect(await goRunner(mock, RUNNER_TOKEN).updateBuild(BUILD_ID, 'running', 'Cloning repository...\n$ make test\n')).toBe('ok');
        }));

    it('finishes a build with a form-encoded body (Ruby runner, 200)', () =>
      pact
        .addInteraction()
        .given(...GIVEN.project)
        .given(...GIVEN.runner)
        .given(...GIVEN.pendingBuild)
        .given(STATE.running)
        .uponReceiving('a form-encoded update finishing a build')
        .withRequest('PUT', buildPath(), (b) => {
          b.headers(FORM_REQUEST);
          formBody(b, { token: runnerToken(), state: 'success', trace: '$ make test\nok\n' });
        })
        .willRespondWith(200, (b) => b.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(like({ id: integer(BUILD_ID) })))
        .executeTest(async (mock) => {
          expect(await rubyRunner(mock, RUNNER_TOKEN).updateBuild(BUILD_ID, 'success', '$ make test\nok\n')).toBe('ok');
        }));

    it('learns that the build was aborted (404)', () =>
      pact
        .addInteraction()
        .given(...GIVEN.project)
        .given(...GIVEN.runner)
        .given(...GIVEN.pendingBuild)
        .given(STATE.running)
        .given(STATE.finished, { state: 'failed' })
        .uponReceiving('a form-encoded update of a build that is no longer running')
        .withRequest('PUT', buildPath(), (b) => {
          b.headers(FORM_REQUEST);
          formBody(b, { token: runnerToken(), state: 'running', trace: '$ make test\n' });
        })
        .willRespondWith(404)
        .executeTest(async (mock) => {
          expect(await rubyRunner(mock, RUNNER_TOKEN).updateBuild(BUILD_ID, 'running', '$ make test\n')).toBe('aborted');
        }));

    it('is refused once the runner was deleted (403)', () =>
      pact
        .addInteraction()
        .given(...GIVEN.project)
        .given(...GIVEN.runner)
        .given(...GIVEN.pendingBuild)
        .given(STATE.running)
        .given(STATE.runnerDeleted)
        .uponReceiving('a JSON update of a build with the token of a deleted runner')
        .withRequest('PUT', buildPath(), (b) => b.headers(JSON_REQUEST).jsonBody({ info: GO_INFO, token: runnerToken(), state: 'failed', trace: 'killed\n' }))
        .willRespondWith(403)
        .executeTest(async (mock) => {
          expect(await goRunner(mock, RUNNER_TOKEN).updateBuild(BUILD_ID, 'failed', 'killed\n')).toBe('forbidden');
        }));
  });

  describe('health check and unregistering', () => {
    it('hears 404 for build -1 while the runner is registered (alive)', () =>
      pact
        .addInteraction()
        .given(...GIVEN.project)
        .given(...GIVEN.runner)
        .uponReceiving('a runner verifying it is still registered')
        .withRequest('PUT', '/api/v1/builds/-1', (b) => b.headers(JSON_REQUEST).jsonBody({ token: runnerToken() }))
        .willRespondWith(404)
        .executeTest(async (mock) => {
          expect(await goRunner(mock, RUNNER_TOKEN).verify()).toBe('alive');
        }));

    it('hears 403 for build -1 once the runner was deleted (removed)', () =>
      pact
        .addInteraction()
        .given(...GIVEN.project)
        .given(...GIVEN.runner)
        .given(STATE.runnerDeleted)
        .uponReceiving('a deleted runner verifying it is still registered')
        .withRequest('PUT', '/api/v1/builds/-1', (b) => b.headers(JSON_REQUEST).jsonBody({ token: runnerToken() }))
        .willRespondWith(403)
        .executeTest(async (mock) => {
          expect(await goRunner(mock, RUNNER_TOKEN).verify()).toBe('removed');
        }));

    it('deletes itself (200)', () =>
      pact
        .addInteraction()
        .given(...GIVEN.project)
        .given(...GIVEN.runner)
        .uponReceiving('a runner deleting itself')
        .withRequest('DELETE', '/api/v1/runners/delete', (b) => b.headers(JSON_REQUEST).jsonBody({ token: runnerToken() }))
        .willRespondWith(200, (b) => b.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(like({ id: integer(1) })))
        .executeTest(async (mock) => {
          await expect(rubyRunner(mock, RUNNER_TOKEN).delete()).resolves.toBeUndefined();
        }));
  });
});
