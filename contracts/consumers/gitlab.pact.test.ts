// Consumer: GitLab, setting up CI for its projects. As a user (private token and the GitLab url in the
// query) it creates, reads, updates and removes CI projects, links and unlinks runners and creates the
// CI project of a fork; with the project token it reports pushes (POST /commits with the push data).
// Driven through the GitlabClient it would ship.
import * as MatchersV3 from '@pact-foundation/pact/src/v3/matchers';
import { GitlabClient, type PushData } from '../../src/clients';
import { STATE } from '../../src/pact/state-names';
import { checkAgainstCommitted, consumerPact, GIVEN, isoTimestamp, JSON_CONTENT_TYPE, transportFor } from '../support/pact';

const { like, eachLike, integer, string, boolean, fromProviderState } = MatchersV3;

const cp = consumerPact('gitlab');
const { pact } = cp;
afterAll(() => checkAgainstCommitted(cp));

// Example values from the API docs; the provider's real values replace them during verification.
const PRIVATE_TOKEN = 'QVy1PB7sTxfy4pqfZM1U';
const GITLAB_URL = 'http://demo.gitlab.com/';
const PROJECT_ID = 272;
const PROJECT_TOKEN = 'iPWx6WM4lhHNedGfBpPJNP';
const GITLAB_ID = 4;
const FREE_GITLAB_ID = 5;
const RUNNER_ID = 85;

const USER_QUERY = {
  private_token: fromProviderState('${privateToken}', PRIVATE_TOKEN),
  url: fromProviderState('${gitlabUrl}', GITLAB_URL),
};
const ACCEPT = { Accept: 'application/json' };
const JSON_REQUEST = { 'Content-Type': 'application/json', Accept: 'application/json' };
const JSON_RESPONSE = { 'Content-Type': JSON_CONTENT_TYPE };
const projectPath = (suffix = '') => fromProviderState(`/api/v1/projects/\${projectId}${suffix}`, `/api/v1/projects/${PROJECT_ID}${suffix}`);

/** A CI project as GitLab reads it back (the fields of the docs' example, typed). */
const project = (overrides: Record<string, unknown> = {}) => ({
  id: integer(PROJECT_ID),
  name: string('gitlab-ci'),
  timeout: integer(1800),
  token: string(PROJECT_TOKEN),
  default_ref: string('master'),
  path: string('gitlab/gitlab-ci'),
  always_build: boolean(false),
  public: boolean(false),
  ssh_url_to_repo: string('git@demo.gitlab.com:gitlab/gitlab-ci.git'),
  gitlab_id: integer(GITLAB_ID),
  ...overrides,
});

const client = (mock: Parameters<typeof transportFor>[0]) => new GitlabClient(transportFor(mock), { privateToken: PRIVATE_TOKEN, gitlabUrl: GITLAB_URL });

const SHA = '65617dfc36761baa1f46a7006f2a88916f7f56cf';
const PUSH: PushData = {
  before: '0000000000000000000000000000000000000000',
  after: SHA,
  ref: 'refs/heads/master',
  user_name: 'Administrator',
  user_email: 'admin@example.com',
  commits: [
    {
      id: SHA,
      message: 'Add the CI configuration\n',
      timestamp: '2015-09-22T09:00:00+00:00',
      url: 'http://demo.gitlab.com/gitlab/gitlab-ci/commit/65617dfc36761baa1f46a7006f2a88916f7f56cf',
      author: { name: 'Administrator', email: 'admin@example.com' },
    },
  ],
  total_commits_count: 1,
  ci_yaml_file: 'test:\n  script: "make test"\n  tags: [pact]\n',
};

describe('gitlab -> gitlab-ci-api', () => {
  it('creates a CI project for a GitLab project (201)', () =>
    pact
      .addInteraction()
      .given(STATE.freeGitlabProject)
      .uponReceiving('a request to create a CI project')
      .withRequest('POST', '/api/v1/projects', (b) =>
        b
          .query(USER_QUERY)
          .headers(JSON_REQUEST)
          .jsonBody({
            name: fromProviderState('${freeName}', 'gitlab-ci'),
            gitlab_id: fromProviderState('${freeGitlabId}', FREE_GITLAB_ID),
            path: 'gitlab/gitlab-ci',
            ssh_url_to_repo: 'git@demo.gitlab.com:gitlab/gitlab-ci.git',
            default_ref: 'master',
          }),
      )
      .willRespondWith(201, (b) => b.headers(JSON_RESPONSE).jsonBody(project({ gitlab_id: integer(FREE_GITLAB_ID) })))
      .executeTest(async (mock) => {
        const created = await client(mock).createProject({
          name: 'gitlab-ci',
          gitlab_id: FREE_GITLAB_ID,
          path: 'gitlab/gitlab-ci',
          ssh_url_to_repo: 'git@demo.gitlab.com:gitlab/gitlab-ci.git',
          default_ref: 'master',
        });
        expect(created).toMatchObject({ id: PROJECT_ID, token: PROJECT_TOKEN, gitlab_id: FREE_GITLAB_ID });
      }));

  it('reads a CI project (200)', () =>
    pact
      .addInteraction()
      .given(...GIVEN.project)
      .uponReceiving('a request to read a CI project')
      .withRequest('GET', projectPath(), (b) => b.query(USER_QUERY).headers(ACCEPT))
      .willRespondWith(200, (b) => b.headers(JSON_RESPONSE).jsonBody(project()))
      .executeTest(async (mock) => {
        expect(await client(mock).getProject(PROJECT_ID)).toMatchObject({ id: PROJECT_ID, default_ref: 'master' });
      }));

  it('updates a CI project (200)', () =>
    pact
      .addInteraction()
      .given(...GIVEN.project)
      .uponReceiving('a request to update a CI project')
      .withRequest('PUT', projectPath(), (b) => b.query(USER_QUERY).headers(JSON_REQUEST).jsonBody({ default_ref: 'stable' }))
      .willRespondWith(200, (b) => b.headers(JSON_RESPONSE).jsonBody(project({ default_ref: 'stable' })))
      .executeTest(async (mock) => {
        expect(await client(mock).updateProject(PROJECT_ID, { default_ref: 'stable' })).toMatchObject({ default_ref: 'stable' });
      }));

  it('removes a CI project (200)', () =>
    pact
      .addInteraction()
      .given(...GIVEN.project)
      .uponReceiving('a request to remove a CI project')
      .withRequest('DELETE', projectPath(), (b) => b.query(USER_QUERY).headers(ACCEPT))
      .willRespondWith(200, (b) => b.headers(JSON_RESPONSE).jsonBody(like({ id: integer(PROJECT_ID) })))
      .executeTest(async (mock) => {
        await expect(client(mock).deleteProject(PROJECT_ID)).resolves.toBeUndefined();
      }));

  it('links a runner of another project to a CI project (201)', () =>
    pact
      .addInteraction()
      .given(...GIVEN.project)
      .given(STATE.otherRunner)
      .uponReceiving('a request to link a runner to a CI project')
      .withRequest(
        'POST',
        fromProviderState('/api/v1/projects/${projectId}/runners/${otherRunnerId}', `/api/v1/projects/${PROJECT_ID}/runners/${RUNNER_ID}`),
        (b) => b.query(USER_QUERY).headers(ACCEPT),
      )
      .willRespondWith(201, (b) => b.headers(JSON_RESPONSE).jsonBody({ id: integer(RUNNER_ID), token: string('12b68e90394084703135') }))
      .executeTest(async (mock) => {
        expect(await client(mock).linkRunner(PROJECT_ID, RUNNER_ID)).toMatchObject({ id: RUNNER_ID });
      }));

  it('unlinks a runner from a CI project (200)', () =>
    pact
      .addInteraction()
      .given(...GIVEN.project)
      .given(...GIVEN.runner)
      .uponReceiving('a request to unlink a runner from a CI project')
      .withRequest(
        'DELETE',
        fromProviderState('/api/v1/projects/${projectId}/runners/${runnerId}', `/api/v1/projects/${PROJECT_ID}/runners/${RUNNER_ID}`),
        (b) => b.query(USER_QUERY).headers(ACCEPT),
      )
      .willRespondWith(200, (b) => b.headers(JSON_RESPONSE).jsonBody(like({ id: integer(RUNNER_ID) })))
      .executeTest(async (mock) => {
        await expect(client(mock).unlinkRunner(PROJECT_ID, RUNNER_ID)).resolves.toBeUndefined();
      }));

  it('reports a push with the project token and gets the commit with its pending builds (201)', () =>
    pact
      .addInteraction()
      .given(...GIVEN.project)
      .uponReceiving('a push of a commit to a CI project')
      .withRequest('POST', '/api/v1/commits', (b) =>
        b.headers(JSON_REQUEST).jsonBody({
          project_id: fromProviderState('${projectId}', PROJECT_ID),
          project_token: fromProviderState('${projectToken}', PROJECT_TOKEN),
          data: PUSH,
        }),
      )
      .willRespondWith(201, (b) =>
        b.headers(JSON_RESPONSE).jsonBody({
          id: integer(3),
          ref: 'master',
          sha: SHA,
          project_id: integer(PROJECT_ID),
          created_at: isoTimestamp(),
          status: 'pending',
          builds: eachLike({ id: integer(7), ref: 'master', sha: SHA, status: 'pending', created_at: isoTimestamp() }),
        }),
      )
      .executeTest(async (mock) => {
        const commit = await client(mock).pushCommit(PROJECT_ID, PROJECT_TOKEN, PUSH);
        expect(commit).toMatchObject({ sha: SHA, status: 'pending' });
        expect(commit.builds[0]).toMatchObject({ status: 'pending' });
      }));

  it('creates the CI project of a fork (201)', () =>
    pact
      .addInteraction()
      .given(...GIVEN.project)
      .given(STATE.freeGitlabProject)
      .uponReceiving('a request to create the CI project of a fork')
      .withRequest('POST', '/api/v1/forks', (b) =>
        b
          .query(USER_QUERY)
          .headers(JSON_REQUEST)
          .jsonBody({
            project_id: fromProviderState('${projectGitlabId}', GITLAB_ID),
            project_token: fromProviderState('${projectToken}', PROJECT_TOKEN),
            data: {
              id: fromProviderState('${freeGitlabId}', FREE_GITLAB_ID),
              name_with_namespace: fromProviderState('${freeName}', 'Forker / gitlab-ci'),
              path_with_namespace: 'forker/gitlab-ci',
              web_url: 'http://demo.gitlab.com/forker/gitlab-ci',
              default_branch: 'master',
              ssh_url_to_repo: 'git@demo.gitlab.com:forker/gitlab-ci.git',
            },
          }),
      )
      .willRespondWith(201, (b) => b.headers(JSON_RESPONSE).jsonBody(project({ gitlab_id: integer(FREE_GITLAB_ID) })))
      .executeTest(async (mock) => {
        const fork = await client(mock).createFork(GITLAB_ID, PROJECT_TOKEN, {
          id: FREE_GITLAB_ID,
          name_with_namespace: 'Forker / gitlab-ci',
          path_with_namespace: 'forker/gitlab-ci',
          web_url: 'http://demo.gitlab.com/forker/gitlab-ci',
          default_branch: 'master',
          ssh_url_to_repo: 'git@demo.gitlab.com:forker/gitlab-ci.git',
        });
        expect(fork).toMatchObject({ gitlab_id: FREE_GITLAB_ID });
      }));
});
