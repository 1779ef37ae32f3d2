// The reference server's fixes for what the generated checks found (issue 12, HOSTILE-INPUT-REJECTED):
// path ids outside the id range name no resource (404, the idempotent DELETEs included; PUT builds/-1 still
// reaches the runner check), integers beyond 32 bits or not positive are malformed (400), a url with a tab
// or newline inside is not the trusted GitLab (401), values and bodies that are not UTF-8 are unreadable
// (400; 401 for the user token), and a pushed only/except pattern cannot freeze the server.
import { startTestApi, type TestApi } from './helpers';

let api: TestApi;
let project: { id: number; token: string; gitlab_id: number };
beforeAll(async () => {
  api = await startTestApi();
  project = await api.createProject();
});
afterAll(async () => {
  await api.stack.close();
});

/** A request with the query and body written as given (percent-encodings and bytes sent as they are). */
async function raw(method: string, pathAndQuery: string, body?: Buffer | string, contentType = 'application/json') {
  const res = await fetch(`${api.stack.url}/api/v1${pathAndQuery}`, { method, body, headers: body === undefined ? {} : { 'Content-Type': contentType } });
  return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as { message?: string } };
}

const user = () => `private_token=${api.users.maintainer}&url=${encodeURIComponent(api.stack.gitlabUrl)}`;

describe('path ids: a 32-bit positive integer, else the path names nothing (404)', () => {
  test.each(['0', '-1', '2147483648', '9007199254740993', 'abc', '%FF'])('DELETE /projects/%s answers 404, not the 200 of an id in range', async (id) => {
    expect((await api.call('DELETE', `/projects/${id}`, { as: 'maintainer', unchecked: true })).status).toBe(404);
  });

  test('DELETE /projects/2147483647 (in range, never handed out) answers 200: nothing to delete', async () => {
    expect((await api.call('DELETE', '/projects/2147483647', { as: 'maintainer' })).status).toBe(200);
  });

  test('DELETE /projects/:id/runners/0 answers 404', async () => {
    expect((await api.call('DELETE', `/projects/${project.id}/runners/0`, { as: 'maintainer', unchecked: true })).status).toBe(404);
  });

  test('PUT /builds/-1 still reaches the runner check (the runners\' health check), PUT /builds/-2147483649 does not', async () => {
    expect((await api.call('PUT', '/builds/-1', { body: { token: 'no-such-runner' } })).status).toBe(403);
    expect((await api.call('PUT', '/builds/-2147483649', { body: { token: 'no-such-runner' }, unchecked: true })).status).toBe(404);
  });
});

describe('integers: positive and within 32 bits, else 400', () => {
  test.each([0, 2 ** 31, 2 ** 53, -5])('POST /projects with gitlab_id %p answers 400, not the 403 of a GitLab project the user cannot manage', async (gitlabId) => {
    const res = await api.call('POST', '/projects', { as: 'maintainer', body: { name: `p-${gitlabId}`, gitlab_id: gitlabId, path: 'a/b', ssh_url_to_repo: 'git@x:a/b.git' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/gitlab_id.*positive 32-bit integer/);
  });

  test.each([['page', '2147483648'], ['per_page', '2147483648'], ['project_id', '0']])('GET /commits?%s=%s answers 400', async (name, value) => {
    const query = { project_id: project.id, project_token: project.token, [name]: value };
    expect((await api.call('GET', '/commits', { query })).status).toBe(400);
  });
});

describe('the url of Authentication #1: exactly the trusted GitLab', () => {
  test.each([
    ['a tab inside', (u: string) => u.replace(/:(\d)/, ':$1\t')],
    ['a newline at the end', (u: string) => `${u}\n`],
    ['a space at the end', (u: string) => `${u} `],
  ])('GET /projects with %s answers 401 (the URL parser would drop it)', async (_what, spoil) => {
    const url = spoil(api.stack.gitlabUrl);
    expect((await raw('GET', `/projects?private_token=${api.users.maintainer}&url=${encodeURIComponent(url)}`)).status).toBe(401);
  });
});

describe('encodings that are not UTF-8', () => {
  test('a private_token whose percent-encoding is not UTF-8 answers 401', async () => {
    expect((await raw('GET', `/projects?private_token=%FF&url=${encodeURIComponent(api.stack.gitlabUrl)}`)).status).toBe(401);
  });

  test.each(['%FF', 'x%C3%28', '%ED%A0%80', 'x%'])('a form attribute %s answers 400 with a JSON message', async (bytes) => {
    const res = await raw('POST', `/projects?${user()}`, `name=${bytes}&gitlab_id=1002&path=a&ssh_url_to_repo=b`, 'application/x-www-form-urlencoded');
    expect(res).toMatchObject({ status: 400, contentType: 'application/json', body: { message: expect.stringMatching(/^400 /) } });
  });

  test('a JSON body with bytes that are not UTF-8 answers 400', async () => {
    const body = Buffer.concat([Buffer.from(`{"token":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect((await raw('POST', '/builds/register', body)).status).toBe(400);
  });

  test('a project_token in the query that is not UTF-8 answers 400', async () => {
    expect((await raw('GET', `/commits?project_id=${project.id}&project_token=%FF`)).status).toBe(400);
  });
});

describe('a pushed only/except pattern cannot freeze the server (RE2, linear time)', () => {
  const ciYaml = (pattern: string) => `job:\n  script: make\n  only: ['${pattern}']\n`;
  const pushTimed = async (pattern: string, ref: string) => {
    const started = performance.now();
    const res = await api.push(project, { ref: `refs/heads/${ref}`, ci_yaml_file: ciYaml(pattern) });
    return { status: res.status, ms: performance.now() - started, builds: (res.body.builds as unknown[]).length };
  };

  test('/^(a+)+$/ against a...a! answers within a bound set by a harmless pattern on the same ref', async () => {
    const ref = `${'a'.repeat(40)}!`;
    const baseline = [];
    for (let i = 0; i < 3; i++) baseline.push((await pushTimed('/^a/', `${ref}${i}`)).ms);
    baseline.sort((a, b) => a - b);
    // With backtracking, 40 characters take hours (145 ms at 24, tripling every two more).
    const hostile = await pushTimed('/^(a+)+$/', ref);
    expect(hostile.status).toBe(201);
    expect(hostile.builds).toBe(0);
    expect(hostile.ms).toBeLessThan(baseline[1] * 50 + 50);
  });

  test('patterns still select refs: flags, anchors, and one RE2 cannot read matches nothing', async () => {
    expect((await pushTimed('/^REL/i', 'release-1')).builds).toBe(1);
    expect((await pushTimed('/^rel$/', 'release-2')).builds).toBe(0);
    expect((await pushTimed('/(?<=a)b/', 'ab')).builds).toBe(0);
  });
});
