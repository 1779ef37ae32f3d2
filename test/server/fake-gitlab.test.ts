// The fake GitLab identity service: the GitLab API v3 calls of gitlab-identity.md.
import { FIXTURE_USERS, startFakeGitlab, type FakeGitlab } from '../../src/fake-gitlab';

let gitlab: FakeGitlab;
beforeAll(async () => {
  gitlab = await startFakeGitlab();
});
afterAll(async () => {
  await gitlab.close();
});

async function get(path: string, token?: string, via: 'query' | 'header' = 'header') {
  const url = new URL(`${gitlab.url}/api/v3${path}`);
  const headers: Record<string, string> = {};
  if (token && via === 'query') url.searchParams.set('private_token', token);
  if (token && via === 'header') headers['PRIVATE-TOKEN'] = token;
  const res = await fetch(url, { headers });
  expect(res.headers.get('content-type')).toBe('application/json');
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

test('listens on 127.0.0.1 with the fixed fixture tokens', () => {
  expect(gitlab.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(gitlab.users).toEqual({
    maintainer: 'maintainer-private-token',
    developer: 'developer-private-token',
    outsider: 'outsider-private-token',
  });
  expect(FIXTURE_USERS.maintainer.privateToken).toBe(gitlab.users.maintainer);
});

test('GET /user: the user for a token in query or header; 401 otherwise', async () => {
  const q = await get('/user', gitlab.users.developer, 'query');
  expect(q.status).toBe(200);
  expect(q.body).toMatchObject({ username: 'ci-developer', is_admin: false, private_token: gitlab.users.developer });
  expect((await get('/user', gitlab.users.maintainer)).body.username).toBe('ci-maintainer');
  expect(await get('/user', 'nope')).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
  expect((await get('/user')).status).toBe(401);
});

test('GET /projects: paginated, 20 by default, at most 100, with Link and X-Total', async () => {
  const first = await get('/projects', gitlab.users.maintainer);
  expect(first.status).toBe(200);
  expect(first.body).toHaveLength(20);
  expect(first.body[0]).toMatchObject({
    id: 1001,
    name: 'ci-target-1001',
    path_with_namespace: 'conformance/ci-target-1001',
    name_with_namespace: 'Conformance / ci-target-1001',
    web_url: `${gitlab.url}/conformance/ci-target-1001`,
    ssh_url_to_repo: 'git@127.0.0.1:conformance/ci-target-1001.git',
    default_branch: 'master',
  });
  expect(first.headers.get('x-total')).toBe('120');
  expect(first.headers.get('link')).toContain('rel="next"');
  const all = await get('/projects?per_page=500&page=1', gitlab.users.maintainer);
  expect(all.body.map((p: any) => p.id)).toEqual(Array.from({ length: 100 }, (_, i) => 1001 + i));
  const last = await get('/projects?per_page=25&page=5', gitlab.users.developer);
  expect(last.body.map((p: any) => p.id)).toEqual(Array.from({ length: 20 }, (_, i) => 1101 + i));
  const outsider = await get('/projects', gitlab.users.outsider);
  expect(outsider.body.map((p: any) => p.id)).toEqual([2001, 2002]);
  expect((await get('/projects', 'nope')).status).toBe(401);
});

test('GET /projects/owned', async () => {
  expect((await get('/projects/owned?per_page=100&page=2', gitlab.users.maintainer)).body).toHaveLength(20);
  expect((await get('/projects/owned', gitlab.users.developer)).body).toEqual([]);
  expect((await get('/projects/owned', gitlab.users.outsider)).body.map((p: any) => p.id)).toEqual([2001, 2002]);
});

test('GET /projects/:id with permissions; 404 without access', async () => {
  const m = await get('/projects/1010', gitlab.users.maintainer);
  expect(m.body.permissions.project_access.access_level).toBe(50);
  const d = await get('/projects/1010', gitlab.users.developer);
  expect(d.body.permissions.project_access.access_level).toBe(30);
  expect((await get('/projects/1010', gitlab.users.outsider)).status).toBe(404);
  expect((await get('/projects/2001', gitlab.users.maintainer)).status).toBe(404);
  expect((await get('/projects/999999', gitlab.users.maintainer)).status).toBe(404);
  expect((await get('/projects/1010', 'nope')).status).toBe(401);
});

test('GET /projects/:id/hooks: 200 [] for master/owner, 403 for a developer, 404 without access', async () => {
  expect(await get('/projects/1060/hooks', gitlab.users.maintainer)).toMatchObject({ status: 200, body: [] });
  expect((await get('/projects/1060/hooks', gitlab.users.developer)).status).toBe(403);
  expect((await get('/projects/1060/hooks', gitlab.users.outsider)).status).toBe(404);
  expect((await get('/projects/2002/hooks', gitlab.users.outsider)).status).toBe(200);
});

test('unknown paths answer a JSON 404', async () => {
  expect((await get('/nope', gitlab.users.maintainer)).status).toBe(404);
});

test('a CI server whose GitLab URL ends in "/" sends //api/v3/...: repeated slashes count as one, as in GitLab', async () => {
  const headers = { 'PRIVATE-TOKEN': gitlab.users.maintainer };
  const user = await fetch(`${gitlab.url}/` + '/api/v3/user', { headers });
  expect(user.status).toBe(200);
  expect(((await user.json()) as { username: string }).username).toBe('ci-maintainer');
  expect((await fetch(`${gitlab.url}/api//v3//projects/1001/hooks`, { headers })).status).toBe(200);
});
