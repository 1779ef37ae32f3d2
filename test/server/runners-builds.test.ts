// Runners and Builds APIs (registration, project and runner tokens) and the flows of the real runners.
import { startTestApi, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('fixed-registration-token-for-tests');
});
afterAll(async () => {
  await api.stack.close();
});

describe('POST /runners/register', () => {
  test('the registration token registers a shared runner; the start option sets it', async () => {
    expect(api.stack.registrationToken).toBe('fixed-registration-token-for-tests');
    const res = await api.call('POST', '/runners/register', { body: { token: api.stack.registrationToken, description: 'shared', tag_list: 'a, b' } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['id', 'token']);
  });

  test('a project token registers a runner specific to that project (form, .json)', async () => {
    const p = await api.createProject();
    const res = await api.call('POST', '/runners/register.json', { body: { token: p.token }, encoding: 'form' });
    expect(res.status).toBe(201);
    // it gets that project's builds
    await api.push(p);
    const build = await api.call('POST', '/builds/register', { body: { token: res.body.token } });
    expect(build.status).toBe(201);
    expect(build.body.project_id).toBe(p.id);
  });

  test('400 without token or with a malformed body, 403 for any other token', async () => {
    expect((await api.call('POST', '/runners/register', { body: { description: 'x' } })).status).toBe(400);
    expect((await api.call('POST', '/runners/register', { body: {} })).body.message).toBe('400 (Bad request) "token" not given');
    expect((await api.call('POST', '/runners/register', { raw: '{"token"', contentType: 'application/json' })).status).toBe(400);
    expect((await api.call('POST', '/runners/register', { body: { token: { a: 1 } } })).status).toBe(400);
    const runner = await api.registerRunner(api.stack.registrationToken);
    for (const token of ['nope', '', runner.token, api.users.maintainer]) {
      expect((await api.call('POST', '/runners/register', { body: { token } })).status).toBe(403);
    }
  });
});

describe('DELETE /runners/delete', () => {
  test('200 with the runner details, 200 again (tombstone), the token refused elsewhere with 403', async () => {
    const runner = await api.registerRunner(api.stack.registrationToken, { description: 'to delete' });
    const res = await api.call('DELETE', '/runners/delete', { body: { token: runner.token } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: runner.id, token: runner.token, description: 'to delete' });
    const again = await api.call('DELETE', '/runners/delete.json', { body: { token: runner.token } });
    expect(again.status).toBe(200);
    expect(typeof again.body.message).toBe('string');
    expect((await api.call('POST', '/builds/register', { body: { token: runner.token } })).status).toBe(403);
    expect((await api.call('PUT', '/builds/1', { body: { token: runner.token } })).status).toBe(403);
    const list = await api.call('GET', '/runners', { as: 'maintainer' });
    expect(list.body.map((r: any) => r.id)).not.toContain(runner.id);
  });

  test('400 without token, 403 for a token that is not a runner token', async () => {
    expect((await api.call('DELETE', '/runners/delete', { body: {} })).status).toBe(400);
    expect((await api.call('DELETE', '/runners/delete', { raw: 'nope{', contentType: 'application/json' })).status).toBe(400);
    const p = await api.createProject();
    for (const token of ['never-existed', api.stack.registrationToken, p.token, api.users.maintainer]) {
      expect((await api.call('DELETE', '/runners/delete', { body: { token } })).status).toBe(403);
    }
  });
});

describe('POST /builds/register', () => {
  test('404 with nothing to do, 400 without token, 403 for other tokens', async () => {
    const p = await api.createProject();
    const runner = await api.registerRunner(p.token);
    expect((await api.call('POST', '/builds/register', { body: { token: runner.token } })).status).toBe(404);
    expect((await api.call('POST', '/builds/register', { body: {} })).status).toBe(400);
    expect((await api.call('POST', '/builds/register', { body: { token: runner.token, info: 'not an object' } })).status).toBe(400);
    for (const token of ['nope', api.stack.registrationToken, p.token, api.users.maintainer]) {
      expect((await api.call('POST', '/builds/register', { body: { token } })).status).toBe(403);
    }
  });

  test('hands the oldest pending build first; a specific runner only gets its linked projects; tags must match', async () => {
    const p1 = await api.createProject();
    const p2 = await api.createProject();
    const specific = await api.registerRunner(p1.token, { tag_list: 'ruby' });
    const yaml = 'rspec:\n  script: rake spec\n  tags: [ruby]\nlint:\n  script: [rubocop]\ndocker:\n  script: make\n  tags: [docker]\n';
    const c1 = await api.push(p1, { ci_yaml_file: yaml });
    expect(c1.status).toBe(201);
    expect(c1.body.builds.map((b: any) => b.status)).toEqual(['pending', 'pending', 'pending']);
    await api.push(p2);
    const first = await api.call('POST', '/builds/register.json', { body: { token: specific.token } });
    expect(first.body.id).toBe(c1.body.builds[0].id);
    expect(first.body.commands).toBe('rake spec');
    const second = await api.call('POST', '/builds/register.json', { body: { token: specific.token } });
    expect(second.body.id).toBe(c1.body.builds[1].id);
    // the docker build needs a tag the runner lacks; p2's build belongs to another project
    expect((await api.call('POST', '/builds/register', { body: { token: specific.token } })).status).toBe(404);
    // linking p2 gives access to its build
    expect((await api.call('POST', `/projects/${p2.id}/runners/${specific.id}`, { as: 'maintainer' })).status).toBe(201);
    const third = await api.call('POST', '/builds/register', { body: { token: specific.token } });
    expect(third.body.project_id).toBe(p2.id);
    // a shared runner with the docker tag takes the rest
    const shared = await api.registerRunner(api.stack.registrationToken, { tag_list: 'docker,ruby' });
    const fourth = await api.call('POST', '/builds/register', { body: { token: shared.token } });
    expect(fourth.body.id).toBe(c1.body.builds[2].id);
  });
});

describe('PUT /builds/:id', () => {
  test('updates trace and state of a running build assigned to the runner; 404 otherwise; 422 bad state', async () => {
    const p = await api.createProject();
    const runner = await api.registerRunner(p.token);
    const other = await api.registerRunner(p.token);
    await api.push(p);
    const build = (await api.call('POST', '/builds/register', { body: { token: runner.token } })).body;
    expect((await api.call('PUT', `/builds/${build.id}`, { body: { token: other.token, state: 'success' } })).status).toBe(404);
    expect((await api.call('PUT', `/builds/${build.id}`, { body: { token: runner.token, state: 'done' } })).status).toBe(422);
    expect((await api.call('PUT', `/builds/${build.id}`, { body: { token: runner.token, state: { a: 1 } } })).status).toBe(400);
    expect((await api.call('PUT', `/builds/${build.id}`, { body: { state: 'running' } })).status).toBe(400);
    expect((await api.call('PUT', `/builds/${build.id}`, { body: { token: 'nope', state: 'running' } })).status).toBe(403);
    const running = await api.call('PUT', `/builds/${build.id}`, { body: { token: runner.token, state: 'running', trace: 'line 1' } });
    expect(running.status).toBe(200);
    expect(running.body).toMatchObject({ id: build.id, status: 'running', runner_id: runner.id, finished_at: null });
    const done = await api.call('PUT', `/builds/${build.id}.json`, { body: { token: runner.token, state: 'failed' } });
    expect(done.body).toMatchObject({ status: 'failed' });
    expect(done.body.finished_at).not.toBeNull();
    // a finished build is no longer running: 404
    expect((await api.call('PUT', `/builds/${build.id}`, { body: { token: runner.token, state: 'success' } })).status).toBe(404);
    expect((await api.call('PUT', '/builds/987654', { body: { token: runner.token } })).status).toBe(404);
  });
});

/** The flows of real-clients.md, end to end. */
describe.each([
  ['JSON with .json', 'json', '.json'],
  ['JSON without .json', 'json', ''],
  ['form with .json', 'form', '.json'],
  ['form without .json', 'form', ''],
] as const)('a runner, %s', (_label, encoding, suffix) => {
  test('register, poll 404 then 201, update trace and state, verify 404, delete, verify 403', async () => {
    const p = await api.createProject();
    const reg = await api.call('POST', `/runners/register${suffix}`, {
      encoding,
      body: {
        token: api.stack.registrationToken,
        description: 'my runner',
        tag_list: '',
        info: { name: 'gitlab-ci-multi-runner', version: '0.5.0', revision: 'abc', platform: 'linux', architecture: 'amd64', executor: 'shell' },
      },
    });
    expect(reg.status).toBe(201);
    const token = reg.body.token;
    // The shared runner may take builds of other tests' projects; poll until it gets one of p's.
    let poll = await api.call('POST', `/builds/register${suffix}`, { encoding, body: { token } });
    for (let i = 0; poll.status === 201 && i < 100; i++) poll = await api.call('POST', `/builds/register${suffix}`, { encoding, body: { token } });
    expect(poll.status).toBe(404);
    await api.push(p, { ci_yaml_file: 'test:\n  script:\n    - make\n    - make test\n' });
    const build = await api.call('POST', `/builds/register${suffix}`, { encoding, body: { token, info: { name: 'x' } } });
    expect(build.status).toBe(201);
    expect(build.body).toMatchObject({
      project_id: p.id,
      commands: 'make\nmake test',
      repo_url: p.ssh_url_to_repo,
      ref: 'master',
      allow_git_fetch: true,
      timeout: 3600,
      variables: [],
      options: {},
    });
    const id = build.body.id;
    const trace = await api.call('PUT', `/builds/${id}${suffix}`, { encoding, body: { token, state: 'running', trace: '$ make\n' } });
    expect(trace.status).toBe(200);
    const done = await api.call('PUT', `/builds/${id}${suffix}`, { encoding, body: { token, state: 'success', trace: '$ make\nok\n' } });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('success');
    const commits = await api.call('GET', `/commits${suffix}`, { query: { project_id: p.id, project_token: p.token } });
    expect(commits.body[0]).toMatchObject({ status: 'success', builds: [{ id, status: 'success' }] });
    expect(typeof commits.body[0].duration).toBe('number');
    // the Go runner's health check: PUT builds/-1
    expect((await api.call('PUT', '/builds/-1', { encoding, body: { token } })).status).toBe(404);
    expect((await api.call('DELETE', '/runners/delete', { encoding, body: { token } })).status).toBe(200);
    expect((await api.call('PUT', '/builds/-1', { encoding, body: { token } })).status).toBe(403);
    expect((await api.call('POST', `/builds/register${suffix}`, { encoding, body: { token } })).status).toBe(403);
    expect((await api.call('DELETE', `/runners/delete${suffix}`, { encoding, body: { token } })).status).toBe(200);
  });
});
