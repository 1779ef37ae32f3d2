// Consumer: a CI dashboard. It lists the CI projects a user can see and, with a project's token, the
// project's commits page by page, each with its builds and their statuses. Driven through the
// DashboardClient it would ship.
import * as MatchersV3 from '@pact-foundation/pact/src/v3/matchers';
import { DashboardClient } from '../../src/clients';
import { STATE } from '../../src/pact/state-names';
import { checkAgainstCommitted, consumerPact, GIVEN, isoTimestamp, JSON_CONTENT_TYPE, sha, transportFor } from '../support/pact';

const { eachLike, integer, string, boolean, regex, fromProviderState } = MatchersV3;

const cp = consumerPact('ci-dashboard');
const { pact } = cp;
afterAll(() => checkAgainstCommitted(cp));

const PRIVATE_TOKEN = 'QVy1PB7sTxfy4pqfZM1U';
const GITLAB_URL = 'http://demo.gitlab.com/';
const PROJECT_ID = 272;
const PROJECT_TOKEN = 'iPWx6WM4lhHNedGfBpPJNP';
const ACCEPT = { Accept: 'application/json' };
const JSON_RESPONSE = { 'Content-Type': JSON_CONTENT_TYPE };
const BUILD_STATUS = regex('^(pending|running|success|failed|canceled)$', 'success');

const commitsQuery = (page: number, perPage: number) => ({
  project_id: fromProviderState('${projectId}', String(PROJECT_ID)),
  project_token: fromProviderState('${projectToken}', PROJECT_TOKEN),
  page: String(page),
  per_page: String(perPage),
});

const transport = (mock: Parameters<typeof transportFor>[0]) => transportFor(mock);

describe('ci-dashboard -> gitlab-ci-api', () => {
  it('lists the CI projects the user can see (200)', () =>
    pact
      .addInteraction()
      .given(...GIVEN.project)
      .uponReceiving('a request to list the CI projects of a user')
      .withRequest('GET', '/api/v1/projects', (b) =>
        b
          .query({ private_token: fromProviderState('${privateToken}', PRIVATE_TOKEN), url: fromProviderState('${gitlabUrl}', GITLAB_URL) })
          .headers(ACCEPT),
      )
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE).jsonBody(
          eachLike({
            id: integer(PROJECT_ID),
            name: string('gitlab-ci'),
            default_ref: string('master'),
            path: string('gitlab/gitlab-ci'),
            public: boolean(false),
            gitlab_id: integer(4),
          }),
        ),
      )
      .executeTest(async (mock) => {
        const projects = await new DashboardClient(transport(mock), { privateToken: PRIVATE_TOKEN, gitlabUrl: GITLAB_URL }).listProjects();
        expect(projects[0]).toMatchObject({ id: PROJECT_ID, name: 'gitlab-ci' });
      }));

  it('lists the commits of a project with their pending builds (200)', () =>
    pact
      .addInteraction()
      .given(...GIVEN.project)
      .given(...GIVEN.pendingBuild)
      .uponReceiving('a request for the commits of a project with a pending build')
      .withRequest('GET', '/api/v1/commits', (b) => b.query(commitsQuery(1, 20)).headers(ACCEPT))
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE).jsonBody(
          eachLike({
            id: integer(3),
            ref: string('master'),
            sha: sha(),
            project_id: integer(PROJECT_ID),
            created_at: isoTimestamp(),
            status: 'pending',
            builds: eachLike({ id: integer(7), ref: string('master'), status: 'pending', created_at: isoTimestamp() }),
          }),
        ),
      )
      .executeTest(async (mock) => {
        const commits = await new DashboardClient(transport(mock)).listCommits(PROJECT_ID, PROJECT_TOKEN, 1, 20);
        expect(commits[0]).toMatchObject({ status: 'pending', builds: [{ status: 'pending' }] });
      }));

  it('lists the commits of a project with the builds a runner finished (200)', () =>
    pact
      .addInteraction()
      .given(...GIVEN.project)
      .given(...GIVEN.runner)
      .given(...GIVEN.pendingBuild)
      .given(STATE.running)
      .given(STATE.finished, { state: 'success' })
      .uponReceiving('a request for the commits of a project whose build succeeded')
      .withRequest('GET', '/api/v1/commits', (b) => b.query(commitsQuery(1, 5)).headers(ACCEPT))
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE).jsonBody(
          eachLike({
            id: integer(3),
            ref: string('master'),
            sha: sha(),
            project_id: integer(PROJECT_ID),
            created_at: isoTimestamp(),
            status: 'success',
            finished_at: isoTimestamp('2014-11-05T09:46:44.254Z'),
            builds: eachLike({
              id: integer(7),
              status: BUILD_STATUS,
              runner_id: integer(1),
              started_at: isoTimestamp('2014-11-05T09:46:39.192Z'),
              finished_at: isoTimestamp('2014-11-05T09:46:44.254Z'),
            }),
          }),
        ),
      )
      .executeTest(async (mock) => {
        const commits = await new DashboardClient(transport(mock)).listCommits(PROJECT_ID, PROJECT_TOKEN, 1, 5);
        expect(commits[0]).toMatchObject({ status: 'success', builds: [{ status: 'success', runner_id: 1 }] });
      }));

  it('is refused the commits with a token that is not the project\'s (403)', () =>
    pact
      .addInteraction()
      .given(...GIVEN.project)
      .uponReceiving('a request for the commits of a project with a wrong project token')
      .withRequest('GET', '/api/v1/commits', (b) =>
        b.query({ project_id: fromProviderState('${projectId}', String(PROJECT_ID)), project_token: 'not-the-project-token', page: '1', per_page: '20' }).headers(ACCEPT),
      )
      .willRespondWith(403)
      .executeTest(async (mock) => {
        await expect(new DashboardClient(transport(mock)).listCommits(PROJECT_ID, 'not-the-project-token')).rejects.toMatchObject({ status: 403 });
      }));
});
