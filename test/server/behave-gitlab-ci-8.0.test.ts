// The reference server behaving as GitLab CI 8.0 (serve --behave gitlab-ci-8.0, startReferenceStack({behave})):
// over HTTP, every difference spec/rules.yaml records for the profile, and the strict answer everywhere else.
// The same requests against the strict server are in projects.test.ts, runners-builds.test.ts, commits-forks.test.ts.
import { startTestApi, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(undefined, 'gitlab-ci-8.0');
});
afterAll(async () => {
  await api.stack.close();
});

/** 8.0 answered statuses the description does not document there: the OpenAPI check is left out. */
const call = (method: string, path: string, options: Parameters<TestApi['call']>[2] = {}) => api.call(method, path, { unchecked: true, ...options });

describe('authentication #1 under gitlab-ci-8.0', () => {
  test('a missing user token, an unknown one, or a CI token in its place answers 403 {"message": "403 Forbidden"} (AUTH-USER-*-401)', async () => {
    const project = await api.createProject();
    for (const privateToken of [undefined, 'no-such-token', project.token]) {
      const res = await call('GET', '/projects', { query: { url: api.stack.gitlabUrl, private_token: privateToken } });
      expect([privateToken ?? 'missing', res.status, res.body]).toEqual([privateToken ?? 'missing', 403, { message: '403 Forbidden' }]);
    }
    // What 8.0 answered on POST /forks is not recorded: the strict answer.
    const fork = await call('POST', '/forks', { query: { url: api.stack.gitlabUrl, private_token: 'no-such-token' }, body: {} });
    expect(fork.status).toBe(401);
  });

  test('url is ignored, missing or not: the token is asked of the configured GitLab (AUTH-USER-UNTRUSTED-URL-401)', async () => {
    for (const url of ['http://gitlab.invalid/', undefined]) {
      expect((await call('GET', '/projects/owned', { query: { url, private_token: api.users.maintainer } })).status).toBe(200);
      expect((await call('GET', '/projects', { query: { url, private_token: 'no-such-token' } })).status).toBe(403);
    }
  });

  test('a user who may not manage the project: 401 on PUT and DELETE of it and on linking and unlinking a runner, 403 on POST /projects (AUTH-USER-FORBIDDEN-403)', async () => {
    const project = await api.createProject();
    const runner = await api.registerRunner(api.stack.registrationToken);
    expect((await call('PUT', `/projects/${project.id}`, { as: 'developer', body: { name: 'renamed' } })).status).toBe(401);
    expect((await call('DELETE', `/projects/${project.id}`, { as: 'developer' })).status).toBe(401);
    expect((await call('POST', `/projects/${project.id}/runners/${runner.id}`, { as: 'developer' })).status).toBe(401);
    expect((await call('DELETE', `/projects/${project.id}/runners/${runner.id}`, { as: 'developer' })).status).toBe(401);
    const gitlabId = api.takeGitlabId();
    const created = await call('POST', '/projects', { as: 'developer', body: { name: 'dev', gitlab_id: gitlabId, path: 'a/b', ssh_url_to_repo: 'git@x:a/b.git' } });
    expect(created.status).toBe(403);
  });

  test('a bad user token with an unknown id answers 403, before the id is looked up (AUTH-BEFORE-EXISTENCE)', async () => {
    expect((await call('GET', '/projects/2100000001', { query: { url: api.stack.gitlabUrl, private_token: 'nope' } })).status).toBe(403);
  });
});

describe('idempotent DELETEs under gitlab-ci-8.0 (DELETE-IDEMPOTENT-*)', () => {
  test('a project that never existed, or was deleted before: 404 {"message": "404 Not Found"}', async () => {
    const project = await api.createProject();
    expect((await call('DELETE', `/projects/${project.id}`, { as: 'maintainer' })).status).toBe(200);
    const again = await call('DELETE', `/projects/${project.id}`, { as: 'maintainer' });
    expect([again.status, again.body]).toEqual([404, { message: '404 Not Found' }]);
    expect((await call('DELETE', '/projects/2100000002', { as: 'maintainer' })).status).toBe(404);
  });

  test('unlinking a runner that is not linked: 404', async () => {
    const project = await api.createProject();
    const runner = await api.registerRunner(project.token);
    const other = await api.createProject();
    expect((await call('DELETE', `/projects/${other.id}/runners/${runner.id}`, { as: 'maintainer' })).status).toBe(404);
  });

  test('DELETE /runners/delete a second time with the deleted runner\'s token: 403', async () => {
    const runner = await api.registerRunner(api.stack.registrationToken);
    expect((await call('DELETE', '/runners/delete', { body: { token: runner.token } })).status).toBe(200);
    const again = await call('DELETE', '/runners/delete', { body: { token: runner.token } });
    expect([again.status, again.body]).toEqual([403, { message: '403 Forbidden' }]);
  });
});

describe('validation under gitlab-ci-8.0', () => {
  test('a second CI project for a GitLab project: 400 (CONFLICT-409, gitlab_id)', async () => {
    const project = await api.createProject();
    const res = await call('POST', '/projects', { as: 'maintainer', body: { name: 'second', gitlab_id: project.gitlab_id, path: 'a/b', ssh_url_to_repo: 'git@x:a/b.git' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^400 \(Bad request\) /);
  });

  test('names are not unique: a second project of the same name is created, and renaming to a taken name succeeds (CONFLICT-409, name)', async () => {
    const first = await api.createProject();
    const second = await api.createProject({ name: first.name });
    expect(second.name).toBe(first.name);
    const third = await api.createProject();
    const renamed = await call('PUT', `/projects/${third.id}`, { as: 'maintainer', body: { name: first.name } });
    expect([renamed.status, renamed.body.name]).toEqual([200, first.name]);
  });

  test('a blank name: 400; a build state other than success or failed is ignored: 200, the build still running (UNPROCESSABLE-422)', async () => {
    const project = await api.createProject();
    expect((await call('PUT', `/projects/${project.id}`, { as: 'maintainer', body: { name: ' ' } })).status).toBe(400);
    const runner = await api.registerRunner(project.token);
    expect((await api.push(project)).status).toBe(201);
    const build = await call('POST', '/builds/register', { body: { token: runner.token } });
    expect(build.status).toBe(201);
    const update = await call('PUT', `/builds/${build.body.id}`, { body: { token: runner.token, state: 'exploded', trace: 'still going' } });
    expect([update.status, update.body.status]).toEqual([200, 'running']);
  });
});

describe('authentication #2 under gitlab-ci-8.0 (AUTH-PROJECT-OTHER-PROJECT-403, unknown-project)', () => {
  test('a project id that names no project answers 404 before the token is looked at; a wrong token for a real project 403', async () => {
    const project = await api.createProject();
    expect((await call('GET', '/commits', { query: { project_id: 2100000003, project_token: project.token } })).status).toBe(404);
    expect((await call('GET', '/commits', { query: { project_id: project.id, project_token: 'wrong' } })).status).toBe(403);
    const fork = { id: api.takeGitlabId(), name_with_namespace: 'a / fork', path_with_namespace: 'a/fork', default_branch: 'master', ssh_url_to_repo: 'git@x:a/fork.git' };
    const forked = await call('POST', '/forks', { query: { url: api.stack.gitlabUrl, private_token: api.users.maintainer }, body: { project_id: 2100000004, project_token: project.token, data: fork } });
    expect(forked.status).toBe(404);
  });
});

describe('where 8.0 did as the docs say, the strict answer', () => {
  test('a runner token nobody has: 403; an unknown build id of a live runner: 404; a missing attribute: 400; an undocumented method: 405', async () => {
    expect((await call('POST', '/builds/register', { body: { token: 'nope' } })).status).toBe(403);
    const runner = await api.registerRunner(api.stack.registrationToken);
    expect((await call('PUT', '/builds/-1', { body: { token: runner.token } })).status).toBe(404);
    expect((await call('POST', '/runners/register', { body: {} })).status).toBe(400);
    expect((await call('PATCH', '/projects', { as: 'maintainer' })).status).toBe(405);
    await call('DELETE', '/runners/delete', { body: { token: runner.token } });
  });
});
