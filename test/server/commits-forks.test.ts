// Commits API (project token) and Forks API (user token + project token).
import fs from 'node:fs';
import path from 'node:path';
import { randomSha, startTestApi, type TestApi } from './helpers';

const SAMPLE_YAML = fs.readFileSync(path.resolve(__dirname, '..', '..', 'fixtures', 'gitlab', 'gitlab-ci.sample.yml'), 'utf8');

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.stack.close();
});

describe('POST /commits', () => {
  test('201 with the commit and its pending builds from ci_yaml_file (only/except, tags, stages)', async () => {
    const p = await api.createProject();
    const sha = randomSha();
    const res = await api.push(p, { after: sha, ci_yaml_file: SAMPLE_YAML });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      sha,
      ref: 'master',
      project_id: p.id,
      status: 'pending',
      finished_at: null,
      duration: null,
      git_commit_message: 'A commit\n',
      git_author_name: 'Dev',
      git_author_email: 'dev@example.com',
    });
    expect(res.body.builds.map((b: any) => b.name)).toEqual(['rspec', 'lint', 'deploy']);
    expect(res.body.builds.every((b: any) => b.status === 'pending' && b.runner_id === null && b.commit_id === res.body.id)).toBe(true);
    const tag = await api.push(p, { ref: 'refs/tags/v1.0', ci_yaml_file: SAMPLE_YAML });
    expect(tag.body.ref).toBe('v1.0');
    expect(tag.body.builds.map((b: any) => b.name)).toEqual(['rspec', 'lint', 'tagged-release']);
  });

  test('one default build without ci_yaml_file; a config without jobs builds nothing', async () => {
    const p = await api.createProject();
    const res = await api.push(p);
    expect(res.body.builds).toHaveLength(1);
    const none = await api.push(p, { ci_yaml_file: 'image: ruby\n' });
    expect(none.status).toBe(201);
    expect(none.body).toMatchObject({ builds: [], status: 'skipped' });
  });

  test('the same sha and ref pushed again answers 200 with the same commit, listed once', async () => {
    const p = await api.createProject();
    const sha = randomSha();
    const first = await api.push(p, { after: sha });
    const second = await api.push(p, { after: sha });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const list = await api.call('GET', '/commits', { query: { project_id: p.id, project_token: p.token } });
    expect(list.body.filter((c: any) => c.sha === sha)).toHaveLength(1);
    // another ref is another commit
    expect((await api.push(p, { after: sha, ref: 'refs/heads/other' })).status).toBe(201);
  });

  test('form-encoded push data with bracketed keys, with .json', async () => {
    const p = await api.createProject();
    const sha = randomSha();
    const res = await api.call('POST', '/commits.json', {
      encoding: 'form',
      body: {
        project_id: p.id,
        project_token: p.token,
        data: {
          before: randomSha(),
          after: sha,
          ref: 'refs/heads/feature',
          commits: [{ id: sha, message: 'form commit', author: { name: 'Form', email: 'f@example.com' } }],
          ci_yaml_file: 'job:\n  script: echo hi\n',
        },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ sha, ref: 'feature', git_commit_message: 'form commit', git_author_name: 'Form' });
    expect(res.body.builds).toHaveLength(1);
  });

  test.each(['project_id', 'project_token', 'data'])('400 when %s is missing', async (attr) => {
    const p = await api.createProject();
    const body: Record<string, unknown> = {
      project_id: p.id,
      project_token: p.token,
      data: { before: randomSha(), after: randomSha(), ref: 'refs/heads/master' },
    };
    delete body[attr];
    const res = await api.call('POST', '/commits', { body });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(`400 (Bad request) "${attr}" not given`);
  });

  test('400 for malformed bodies, wrong types, push data without after or ref, invalid YAML', async () => {
    const p = await api.createProject();
    expect((await api.call('POST', '/commits', { raw: '{', contentType: 'application/json' })).status).toBe(400);
    expect((await api.call('POST', '/commits', { body: { project_id: { a: 1 }, project_token: p.token, data: {} } })).status).toBe(400);
    expect((await api.call('POST', '/commits', { body: { project_id: p.id, project_token: p.token, data: 'x' } })).status).toBe(400);
    expect((await api.push(p, { after: undefined })).status).toBe(400);
    expect((await api.push(p, { ref: undefined })).status).toBe(400);
    expect((await api.push(p, { ci_yaml_file: 'a: [' })).status).toBe(400);
    expect((await api.push(p, { ci_yaml_file: '- a\n- b\n' })).status).toBe(400);
  });

  test('403 for a wrong token, another project token, another kind of token, or an unknown project_id', async () => {
    const p = await api.createProject();
    const q = await api.createProject();
    const runner = await api.registerRunner(p.token);
    for (const [projectId, token] of [
      [p.id, 'nope'],
      [p.id, q.token],
      [p.id, runner.token],
      [p.id, api.stack.registrationToken],
      [p.id, api.users.maintainer],
      [987654, p.token],
    ] as const) {
      const res = await api.call('POST', '/commits', {
        body: { project_id: projectId, project_token: token, data: { before: 'a', after: 'b', ref: 'refs/heads/master' } },
      });
      expect(res.status).toBe(403);
    }
  });

  test('huge values never answer 5xx', async () => {
    const p = await api.createProject();
    const res = await api.push(p, { after: 'f'.repeat(100_000), commits: [{ message: 'm'.repeat(500_000) }] });
    expect(res.status).toBeLessThan(500);
    const many = await api.push(p, { ci_yaml_file: Array.from({ length: 300 }, (_, i) => `job${i}:\n  script: echo ${i}\n`).join('') });
    expect(many.status).toBe(201);
  });
});

describe('GET /commits', () => {
  test('newest first, 20 per page by default, page and per_page', async () => {
    const p = await api.createProject();
    const shas: string[] = [];
    for (let i = 0; i < 25; i++) {
      const sha = randomSha();
      shas.push(sha);
      await api.push(p, { after: sha });
    }
    const newest = [...shas].reverse();
    const q = { project_id: p.id, project_token: p.token };
    const page1 = await api.call('GET', '/commits', { query: q });
    expect(page1.status).toBe(200);
    expect(page1.body.map((c: any) => c.sha)).toEqual(newest.slice(0, 20));
    const page2 = await api.call('GET', '/commits.json', { query: { ...q, page: 2 } });
    expect(page2.body.map((c: any) => c.sha)).toEqual(newest.slice(20));
    const small = await api.call('GET', '/commits', { query: { ...q, page: 3, per_page: 5 } });
    expect(small.body.map((c: any) => c.sha)).toEqual(newest.slice(10, 15));
    expect((await api.call('GET', '/commits', { query: { ...q, page: 9 } })).body).toEqual([]);
    expect((await api.call('GET', '/commits', { query: { ...q, per_page: 0 } })).status).toBe(400);
  });

  test('400 without project_id or project_token; 403 for wrong, other or unknown', async () => {
    const p = await api.createProject();
    const q = await api.createProject();
    expect((await api.call('GET', '/commits', { query: { project_token: p.token } })).status).toBe(400);
    expect((await api.call('GET', '/commits', { query: { project_id: p.id } })).status).toBe(400);
    expect((await api.call('GET', '/commits', { query: { project_id: p.id, project_token: q.token } })).status).toBe(403);
    expect((await api.call('GET', '/commits', { query: { project_id: p.id, project_token: 'x' } })).status).toBe(403);
    expect((await api.call('GET', '/commits', { query: { project_id: 987654, project_token: p.token } })).status).toBe(403);
    expect((await api.call('GET', '/commits', { query: { project_id: p.id, project_token: api.stack.registrationToken } })).status).toBe(403);
  });
});

describe('POST /forks', () => {
  const forkData = (gid: number) => ({
    id: gid,
    name_with_namespace: `Conformance / fork-${gid}`,
    path_with_namespace: `conformance/fork-${gid}`,
    web_url: `http://127.0.0.1/conformance/fork-${gid}`,
    default_branch: 'develop',
    ssh_url_to_repo: `git@127.0.0.1:conformance/fork-${gid}.git`,
  });

  test('201: a CI project named name_with_namespace for the fork, JSON and form', async () => {
    const source = await api.createProject();
    for (const encoding of ['json', 'form'] as const) {
      const gid = api.takeGitlabId();
      const res = await api.call('POST', encoding === 'form' ? '/forks.json' : '/forks', {
        as: 'maintainer',
        encoding,
        body: { project_id: source.gitlab_id, project_token: source.token, data: forkData(gid) },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: `Conformance / fork-${gid}`, gitlab_id: gid, path: `conformance/fork-${gid}`, default_ref: 'develop' });
      expect(res.body.token).not.toBe(source.token);
    }
  });

  test('401 without or with a bad user token or url', async () => {
    const source = await api.createProject();
    const body = { project_id: source.gitlab_id, project_token: source.token, data: forkData(api.takeGitlabId()) };
    expect((await api.call('POST', '/forks', { body, query: { url: api.stack.gitlabUrl } })).status).toBe(401);
    expect((await api.call('POST', '/forks', { body, query: { url: api.stack.gitlabUrl, private_token: source.token } })).status).toBe(401);
    expect((await api.call('POST', '/forks', { body, query: { url: 'http://elsewhere', private_token: api.users.maintainer } })).status).toBe(401);
  });

  test('400 for missing attributes, 403 for a wrong project token or a fork the user cannot manage', async () => {
    const source = await api.createProject();
    const other = await api.createProject();
    const good = { project_id: source.gitlab_id, project_token: source.token, data: forkData(api.takeGitlabId()) };
    for (const attr of ['project_id', 'project_token', 'data'] as const) {
      const body: Record<string, unknown> = { ...good };
      delete body[attr];
      expect((await api.call('POST', '/forks', { as: 'maintainer', body })).status).toBe(400);
    }
    for (const attr of ['id', 'name_with_namespace', 'path_with_namespace', 'default_branch', 'ssh_url_to_repo']) {
      const res = await api.call('POST', '/forks', { as: 'maintainer', body: { ...good, data: { ...good.data, [attr]: undefined } } });
      expect(res.body.message).toBe(`400 (Bad request) "data[${attr}]" not given`);
    }
    const noWebUrl = await api.call('POST', '/forks', { as: 'maintainer', body: { ...good, data: { ...good.data, id: api.takeGitlabId(), web_url: undefined } } });
    expect(noWebUrl.status).toBe(201);
    expect((await api.call('POST', '/forks', { as: 'maintainer', body: { ...good, data: { ...good.data, web_url: { a: 1 } } } })).status).toBe(400);
    expect((await api.call('POST', '/forks', { as: 'maintainer', body: { ...good, project_token: other.token } })).status).toBe(403);
    expect((await api.call('POST', '/forks', { as: 'maintainer', body: { ...good, project_id: source.id + 5000 } })).status).toBe(403);
    expect((await api.call('POST', '/forks', { as: 'developer', body: good })).status).toBe(403);
    // a fork that already has a CI project: 400 (the operation documents no 409)
    const dup = { ...good, data: { ...good.data, id: other.gitlab_id } };
    expect((await api.call('POST', '/forks', { as: 'maintainer', body: dup })).status).toBe(400);
  });
});
