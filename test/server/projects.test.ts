// Projects API and GET /runners: user token & GitLab url (authentication #1), rights from the fake GitLab.
import { startTestApi, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.stack.close();
});

type Ids = { project: number; runner: number };
const USER_OPS: Array<[string, string, (ids: Ids) => string]> = [
  ['GET', '/projects', () => '/projects'],
  ['GET', '/projects/owned', () => '/projects/owned'],
  ['POST', '/projects', () => '/projects'],
  ['GET', '/projects/:id', (i) => `/projects/${i.project}`],
  ['PUT', '/projects/:id', (i) => `/projects/${i.project}`],
  ['DELETE', '/projects/:id', (i) => `/projects/${i.project}`],
  ['POST', '/projects/:id/runners/:runner_id', (i) => `/projects/${i.project}/runners/${i.runner}`],
  ['DELETE', '/projects/:id/runners/:runner_id', (i) => `/projects/${i.project}/runners/${i.runner}`],
  ['GET', '/runners', () => '/runners'],
];

describe('authentication #1 (user token & url)', () => {
  let ids: Ids;
  let projectToken: string;
  beforeAll(async () => {
    const project = await api.createProject();
    projectToken = project.token;
    ids = { project: project.id, runner: (await api.registerRunner(api.stack.registrationToken)).id };
  });

  test.each(USER_OPS)('%s %s: no user token -> 401', async (method, _label, path) => {
    const res = await api.call(method, path(ids), { query: { url: api.stack.gitlabUrl }, body: method === 'GET' ? undefined : { name: 'x' } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ message: '401 Unauthorized' });
  });

  test.each(USER_OPS)('%s %s: unknown user token -> 401 (query and header)', async (method, _label, path) => {
    const q = await api.call(method, path(ids), { query: { url: api.stack.gitlabUrl, private_token: 'no-such-token' } });
    expect(q.status).toBe(401);
    const h = await api.call(method, path(ids), { query: { url: api.stack.gitlabUrl }, headers: { 'PRIVATE-TOKEN': 'nope' } });
    expect(h.status).toBe(401);
  });

  test.each(USER_OPS)('%s %s: a CI token as private_token -> 401', async (method, _label, path) => {
    for (const token of [projectToken, api.stack.registrationToken]) {
      const res = await api.call(method, path(ids), { query: { url: api.stack.gitlabUrl, private_token: token } });
      expect(res.status).toBe(401);
    }
  });

  test.each(USER_OPS)('%s %s: valid token with an untrusted or missing url -> 401', async (method, _label, path) => {
    const token = api.users.maintainer;
    for (const url of ['http://gitlab.example.com', 'not a url', undefined]) {
      const res = await api.call(method, path(ids), { query: { url, private_token: token } });
      expect(res.status).toBe(401);
    }
  });

  test('the trusted url is accepted with or without a trailing slash, token in query or header', async () => {
    const token = api.users.maintainer;
    for (const url of [api.stack.gitlabUrl, `${api.stack.gitlabUrl}/`]) {
      expect((await api.call('GET', '/projects', { query: { url, private_token: token } })).status).toBe(200);
      expect((await api.call('GET', '/projects', { query: { url }, headers: { 'PRIVATE-TOKEN': token } })).status).toBe(200);
    }
  });
});

describe('POST /projects', () => {
  const body = (gitlabId: number, extra: Record<string, unknown> = {}) => ({
    name: `new-${gitlabId}`,
    gitlab_id: gitlabId,
    path: `conformance/ci-target-${gitlabId}`,
    ssh_url_to_repo: `git@127.0.0.1:conformance/ci-target-${gitlabId}.git`,
    ...extra,
  });

  test('201 with the project, default_ref master, readable back', async () => {
    const gid = api.takeGitlabId();
    const res = await api.call('POST', '/projects', { as: 'maintainer', body: body(gid) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: `new-${gid}`,
      gitlab_id: gid,
      default_ref: 'master',
      timeout: 3600,
      always_build: false,
      polling_interval: null,
      public: false,
      gitlab_url: `${api.stack.gitlabUrl}/conformance/ci-target-${gid}`,
    });
    expect(res.body.token).toMatch(/^\w{10,}$/);
    const back = await api.call('GET', `/projects/${res.body.id}`, { as: 'maintainer', userIn: 'header' });
    expect(back.body).toEqual(res.body);
  });

  test('form-encoded and .json suffix work the same', async () => {
    const gid = api.takeGitlabId();
    const res = await api.call('POST', '/projects.json', { as: 'maintainer', body: body(gid, { default_ref: 'main' }), encoding: 'form' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ gitlab_id: gid, default_ref: 'main' });
  });

  test.each(['name', 'gitlab_id', 'path', 'ssh_url_to_repo'])('400 when %s is missing', async (attr) => {
    const b: Record<string, unknown> = body(api.takeGitlabId());
    delete b[attr];
    const res = await api.call('POST', '/projects', { as: 'maintainer', body: b });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(`400 (Bad request) "${attr}" not given`);
  });

  test('400 for malformed JSON and for wrong types', async () => {
    const gid = api.takeGitlabId();
    expect((await api.call('POST', '/projects', { as: 'maintainer', raw: '{"name": ', contentType: 'application/json' })).status).toBe(400);
    for (const [attr, value] of [
      ['gitlab_id', { a: 1 }],
      ['gitlab_id', 'abc'],
      ['gitlab_id', 1.5],
      ['name', { a: 1 }],
      ['path', [1, 2]],
    ] as const) {
      const res = await api.call('POST', '/projects', { as: 'maintainer', body: body(gid, { [attr]: value }) });
      expect(res.status).toBe(400);
    }
  });

  test('422 for a blank name', async () => {
    for (const name of ['', '   ']) {
      const res = await api.call('POST', '/projects', { as: 'maintainer', body: body(api.takeGitlabId(), { name }) });
      expect(res.status).toBe(422);
    }
  });

  test('409 for a name or a gitlab_id that another CI project has', async () => {
    const existing = await api.createProject();
    const byName = await api.call('POST', '/projects', { as: 'maintainer', body: body(api.takeGitlabId(), { name: existing.name }) });
    expect(byName.status).toBe(409);
    const byGitlabId = await api.call('POST', '/projects', { as: 'maintainer', body: body(existing.gitlab_id) });
    expect(byGitlabId.status).toBe(409);
  });

  test('403 for a developer or an outsider of the GitLab project, and for an unknown GitLab project', async () => {
    const gid = api.takeGitlabId();
    expect((await api.call('POST', '/projects', { as: 'developer', body: body(gid) })).status).toBe(403);
    expect((await api.call('POST', '/projects', { as: 'outsider', body: body(gid) })).status).toBe(403);
    expect((await api.call('POST', '/projects', { as: 'maintainer', body: body(999999) })).status).toBe(403);
  });

  test('huge and empty values never answer 5xx', async () => {
    const huge = 'x'.repeat(200_000);
    const res = await api.call('POST', '/projects', { as: 'maintainer', body: body(api.takeGitlabId(), { name: huge, path: huge }) });
    expect([201, 400, 409, 422]).toContain(res.status);
    const big = await api.call('POST', '/projects', { as: 'maintainer', body: body(api.takeGitlabId(), { gitlab_id: 1e300 }) });
    expect(big.status).toBe(400);
    const empty = await api.call('POST', '/projects', { as: 'maintainer', body: { name: '', gitlab_id: '', path: '', ssh_url_to_repo: '' } });
    expect(empty.status).toBe(400);
    const unknownFields = await api.call('POST', '/projects', { as: 'maintainer', body: body(api.takeGitlabId(), { extra: { deep: [1] } }) });
    expect(unknownFields.status).toBe(201);
  });
});

describe('GET /projects, /projects/owned, /projects/:id', () => {
  let project: any;
  let outsiderProject: any;
  beforeAll(async () => {
    project = await api.createProject();
    const res = await api.call('POST', '/projects', {
      as: 'outsider',
      body: { name: 'outsider-own', gitlab_id: 2001, path: 'outsider/side-project-2001', ssh_url_to_repo: 'git@h:o/s.git' },
    });
    expect(res.status).toBe(201);
    outsiderProject = res.body;
  });

  test('lists the CI projects of GitLab projects the user can access', async () => {
    const m = await api.call('GET', '/projects', { as: 'maintainer' });
    expect(m.status).toBe(200);
    expect(m.body.map((p: any) => p.id)).toContain(project.id);
    expect(m.body.map((p: any) => p.id)).not.toContain(outsiderProject.id);
    const d = await api.call('GET', '/projects.json', { as: 'developer', userIn: 'header' });
    expect(d.body.map((p: any) => p.id)).toContain(project.id);
    const o = await api.call('GET', '/projects', { as: 'outsider' });
    expect(o.body.map((p: any) => p.id)).toEqual([outsiderProject.id]);
  });

  test('owned lists only the projects the user owns', async () => {
    const m = await api.call('GET', '/projects/owned', { as: 'maintainer' });
    expect(m.status).toBe(200);
    expect(m.body.map((p: any) => p.id)).toContain(project.id);
    const d = await api.call('GET', '/projects/owned.json', { as: 'developer' });
    expect(d.body).toEqual([]);
  });

  test('single project: 200 for maintainer and developer, 403 for an outsider, 404 for an unknown id', async () => {
    expect((await api.call('GET', `/projects/${project.id}`, { as: 'maintainer' })).status).toBe(200);
    expect((await api.call('GET', `/projects/${project.id}.json`, { as: 'developer' })).status).toBe(200);
    expect([403, 404]).toContain((await api.call('GET', `/projects/${project.id}`, { as: 'outsider' })).status);
    expect((await api.call('GET', '/projects/987654', { as: 'maintainer' })).status).toBe(404);
    expect((await api.call('GET', '/projects/99999999999999999999', { as: 'maintainer' })).status).toBe(404);
  });

  test('credentials before existence: an unknown id without a valid user answers 401', async () => {
    expect((await api.call('GET', '/projects/987654', { query: { url: api.stack.gitlabUrl, private_token: 'x' } })).status).toBe(401);
  });
});

describe('PUT /projects/:id', () => {
  test('200 with the new values, also form-encoded', async () => {
    const project = await api.createProject();
    const res = await api.call('PUT', `/projects/${project.id}`, { as: 'maintainer', body: { name: `${project.name}-renamed`, default_ref: 'dev' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: project.id, name: `${project.name}-renamed`, default_ref: 'dev', token: project.token });
    const form = await api.call('PUT', `/projects/${project.id}.json`, { as: 'maintainer', body: { path: 'a/b' }, encoding: 'form' });
    expect(form.body.path).toBe('a/b');
    const gid = api.takeGitlabId();
    const moved = await api.call('PUT', `/projects/${project.id}`, { as: 'maintainer', body: { gitlab_id: String(gid) }, encoding: 'form' });
    expect(moved.body.gitlab_id).toBe(gid);
  });

  test('409 for a name or gitlab_id of another CI project; its own values are fine', async () => {
    const a = await api.createProject();
    const b = await api.createProject();
    expect((await api.call('PUT', `/projects/${a.id}`, { as: 'maintainer', body: { name: b.name } })).status).toBe(409);
    expect((await api.call('PUT', `/projects/${a.id}`, { as: 'maintainer', body: { gitlab_id: b.gitlab_id } })).status).toBe(409);
    expect((await api.call('PUT', `/projects/${a.id}`, { as: 'maintainer', body: { name: a.name, gitlab_id: a.gitlab_id } })).status).toBe(200);
  });

  test('422 blank name, 400 malformed, 404 unknown, 403 developer and outsider', async () => {
    const p = await api.createProject();
    expect((await api.call('PUT', `/projects/${p.id}`, { as: 'maintainer', body: { name: ' ' } })).status).toBe(422);
    expect((await api.call('PUT', `/projects/${p.id}`, { as: 'maintainer', raw: '{{', contentType: 'application/json' })).status).toBe(400);
    expect((await api.call('PUT', `/projects/${p.id}`, { as: 'maintainer', body: { gitlab_id: { x: 1 } } })).status).toBe(400);
    expect((await api.call('PUT', '/projects/987654', { as: 'maintainer', body: { name: 'x' } })).status).toBe(404);
    expect((await api.call('PUT', `/projects/${p.id}`, { as: 'developer', body: { name: 'x' } })).status).toBe(403);
    expect((await api.call('PUT', `/projects/${p.id}`, { as: 'outsider', body: { name: 'x' } })).status).toBe(403);
    // moving to a GitLab project the user cannot manage
    expect((await api.call('PUT', `/projects/${p.id}`, { as: 'maintainer', body: { gitlab_id: 2001 } })).status).toBe(403);
  });
});

describe('DELETE /projects/:id', () => {
  test('200 with the project, gone afterwards, 200 again and for an id that never existed', async () => {
    const p = await api.createProject();
    const res = await api.call('DELETE', `/projects/${p.id}`, { as: 'maintainer' });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(p.id);
    expect((await api.call('GET', `/projects/${p.id}`, { as: 'maintainer' })).status).toBe(404);
    const again = await api.call('DELETE', `/projects/${p.id}.json`, { as: 'maintainer' });
    expect(again.status).toBe(200);
    expect(typeof again.body.message).toBe('string');
    expect((await api.call('DELETE', '/projects/987654', { as: 'maintainer' })).status).toBe(200);
    // the project token is refused afterwards
    const commits = await api.call('GET', '/commits', { query: { project_id: p.id, project_token: p.token } });
    expect(commits.status).toBe(403);
  });

  test('403 for a developer (the project stays)', async () => {
    const p = await api.createProject();
    expect((await api.call('DELETE', `/projects/${p.id}`, { as: 'developer' })).status).toBe(403);
    expect((await api.call('GET', `/projects/${p.id}`, { as: 'maintainer' })).status).toBe(200);
  });

  test('accepts a JSON or form body on DELETE', async () => {
    const p = await api.createProject();
    expect((await api.call('DELETE', `/projects/${p.id}`, { as: 'maintainer', body: { reason: 'x' } })).status).toBe(200);
    const q = await api.createProject();
    expect((await api.call('DELETE', `/projects/${q.id}`, { as: 'maintainer', body: { reason: 'x' }, encoding: 'form' })).status).toBe(200);
  });
});

describe('link and unlink runners; GET /runners', () => {
  test('link 201 {id, token}; unlink 200 then 200 with a message; 404 unknown project or runner; 403 developer', async () => {
    const p = await api.createProject();
    const runner = await api.registerRunner(api.stack.registrationToken);
    expect((await api.call('POST', `/projects/${p.id}/runners/${runner.id}`, { as: 'developer' })).status).toBe(403);
    const link = await api.call('POST', `/projects/${p.id}/runners/${runner.id}.json`, { as: 'maintainer' });
    expect(link.status).toBe(201);
    expect(link.body).toEqual(runner);
    expect((await api.call('POST', `/projects/987654/runners/${runner.id}`, { as: 'maintainer' })).status).toBe(404);
    expect((await api.call('POST', `/projects/${p.id}/runners/987654`, { as: 'maintainer' })).status).toBe(404);
    expect((await api.call('DELETE', `/projects/${p.id}/runners/${runner.id}`, { as: 'developer' })).status).toBe(403);
    const unlink = await api.call('DELETE', `/projects/${p.id}/runners/${runner.id}`, { as: 'maintainer' });
    expect(unlink.status).toBe(200);
    expect(unlink.body).toEqual(runner);
    const again = await api.call('DELETE', `/projects/${p.id}/runners/${runner.id}.json`, { as: 'maintainer' });
    expect(again.status).toBe(200);
    expect(typeof again.body.message).toBe('string');
    expect((await api.call('DELETE', '/projects/987654/runners/987654', { as: 'maintainer' })).status).toBe(200);
  });

  test('GET /runners lists every runner', async () => {
    const runner = await api.registerRunner(api.stack.registrationToken);
    const res = await api.call('GET', '/runners.json', { as: 'developer' });
    expect(res.status).toBe(200);
    expect(res.body).toContainEqual(runner);
  });
});
