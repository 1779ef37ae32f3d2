// The faults with memory do what their mutant says, seen over HTTP through the fault proxy: each is a
// server that keeps what it should drop, makes twice what it should make once, or forgets what it should
// remember. (Every fault is also seen caught by its rule in mutants.test.ts.)
import { faultNamed } from '../../src/faults';
import { startTarget, type RunningTarget } from '../../src/mutation/target';

interface Answer {
  status: number;
  body: any;
}

async function withFault(name: string, scenario: (call: (method: string, path: string, body?: unknown, as?: 'maintainer' | 'developer') => Promise<Answer>, target: RunningTarget) => Promise<void>): Promise<void> {
  const target = await startTarget({ fault: faultNamed(name) });
  const call = async (method: string, path: string, body?: unknown, as?: 'maintainer' | 'developer'): Promise<Answer> => {
    const url = new URL(`${target.url}/api/v1${path}`);
    if (as) {
      url.searchParams.set('private_token', target.stack.users[as]);
      url.searchParams.set('url', target.stack.gitlabUrl);
    }
    const res = await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  try {
    await scenario(call, target);
  } finally {
    await target.close();
  }
}

const project = (gitlabId: number, name = `p-${gitlabId}`) => ({ name, gitlab_id: gitlabId, path: `conformance/p${gitlabId}`, ssh_url_to_repo: 'git@x:p.git' });
const push = (p: { id: number; token: string }, sha: string) => ({
  project_id: p.id,
  project_token: p.token,
  data: { before: '0'.repeat(40), after: sha, ref: 'refs/heads/master', commits: [] },
});

test('DELETE-200: delete-keeps-project answers 200 with the project and keeps it; rights are still checked', () =>
  withFault('delete-keeps-project', async (call) => {
    const p = (await call('POST', '/projects', project(1001), 'maintainer')).body;
    expect((await call('DELETE', `/projects/${p.id}`, undefined, 'developer')).status).toBe(403);
    expect(await call('DELETE', `/projects/${p.id}`, undefined, 'maintainer')).toMatchObject({ status: 200, body: { id: p.id } });
    expect((await call('GET', `/projects/${p.id}`, undefined, 'maintainer')).status).toBe(200);
  }));

test('DELETE-IDEMPOTENT-REPEAT and -NEVER-EXISTED: the 404s tell a deleted project from one that never was', async () => {
  for (const [name, repeat, never] of [
    ['delete-repeat-404', 404, 200],
    ['delete-unknown-404', 200, 404],
  ] as const) {
    await withFault(name, async (call) => {
      const p = (await call('POST', '/projects', project(1001), 'maintainer')).body;
      expect((await call('DELETE', `/projects/${p.id}`, undefined, 'maintainer')).status).toBe(200);
      expect({ name, repeat: (await call('DELETE', `/projects/${p.id}`, undefined, 'maintainer')).status }).toEqual({ name, repeat });
      expect({ name, never: (await call('DELETE', '/projects/987654', undefined, 'maintainer')).status }).toEqual({ name, never });
    });
  }
});

test('COMMIT-NOT-DUPLICATED: commit-duplicated answers a repeated push 201 with a new commit, listed twice', () =>
  withFault('commit-duplicated', async (call) => {
    const p = (await call('POST', '/projects', project(1001), 'maintainer')).body;
    const sha = 'a'.repeat(40);
    const first = await call('POST', '/commits', push(p, sha));
    const again = await call('POST', '/commits', push(p, sha));
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).not.toBe(first.body.id);
    const list = await call('GET', `/commits?project_id=${p.id}&project_token=${p.token}`);
    expect(list.body.map((c: { sha: string; id: number }) => [c.sha, c.id])).toEqual([
      [sha, again.body.id],
      [sha, first.body.id],
    ]);
  }));

test('BUILD-HANDED-OUT-ONCE: build-selection-races hands one build to two runners asking at once', () =>
  withFault('build-selection-races', async (call) => {
    const p = (await call('POST', '/projects', project(1001), 'maintainer')).body;
    const runners = [(await call('POST', '/runners/register', { token: p.token })).body, (await call('POST', '/runners/register', { token: p.token })).body];
    await call('POST', '/commits', push(p, 'b'.repeat(40)));
    const answers = await Promise.all(runners.map((r) => call('POST', '/builds/register', { token: r.token })));
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    expect(answers[1].body.id).toBe(answers[0].body.id);
  }));

test('BUILD-HANDED-OUT-ONCE: build-selection-races shares the build only with runners that may run it', () =>
  withFault('build-selection-races', async (call) => {
    const [p, other] = [(await call('POST', '/projects', project(1001), 'maintainer')).body, (await call('POST', '/projects', project(1002), 'maintainer')).body];
    const mine = (await call('POST', '/runners/register', { token: p.token })).body;
    const elsewhere = (await call('POST', '/runners/register', { token: other.token })).body;
    const removed = (await call('POST', '/runners/register', { token: p.token })).body;
    await call('DELETE', '/runners/delete', { token: removed.token });
    await call('POST', '/commits', push(p, 'c'.repeat(40)));
    const answers = await Promise.all([mine, elsewhere, removed].map((r) => call('POST', '/builds/register', { token: r.token })));
    expect(answers.map((a) => a.status)).toEqual([201, 404, 403]);
  }));

test('POST-201: fork-not-saved answers the fork 201 and does not keep it', () =>
  withFault('fork-not-saved', async (call, target) => {
    const source = (await call('POST', '/projects', project(1001), 'maintainer')).body;
    const url = `/forks?private_token=${target.stack.users.maintainer}&url=${encodeURIComponent(target.stack.gitlabUrl)}`;
    const data = { id: 1002, name_with_namespace: 'c / fork', path_with_namespace: 'c/fork', default_branch: 'master', ssh_url_to_repo: 'git@x:c/fork.git' };
    const fork = await call('POST', url, { project_id: 1001, project_token: source.token, data });
    expect(fork.status).toBe(201);
    expect((await call('GET', `/projects/${fork.body.id}`, undefined, 'maintainer')).status).toBe(404);
  }));

test('CONFLICT-409: duplicate-names-allowed creates two projects of one name, and answers the name as sent', () =>
  withFault('duplicate-names-allowed', async (call) => {
    const first = await call('POST', '/projects', project(1001, 'same name'), 'maintainer');
    const second = await call('POST', '/projects', project(1002, 'same name'), 'maintainer');
    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await call('GET', `/projects/${second.body.id}`, undefined, 'maintainer')).body.name).toBe('same name');
    expect((await call('POST', '/projects', project(1002, 'other'), 'maintainer')).status).toBe(409);
  }));

test('AUTH-RUNNER-DELETED-403 and AUTH-BEFORE-EXISTENCE: a deleted runner\'s token, remembered by the proxy', async () => {
  for (const [name, verify] of [
    ['runner-token-deleted-valid', 404],
    ['build-lookup-before-auth', 404],
    ['nothing-to-build-200', 403], // a fault that leaves this request alone: the server's own 403
  ] as const) {
    await withFault(name, async (call) => {
      const p = (await call('POST', '/projects', project(1001), 'maintainer')).body;
      const runner = (await call('POST', '/runners/register', { token: p.token })).body;
      expect((await call('DELETE', '/runners/delete', { token: runner.token })).status).toBe(200);
      expect({ name, verify: (await call('PUT', '/builds/-1', { token: runner.token })).status }).toEqual({ name, verify });
    });
  }
});

test('AUTH-PROJECT-WRONG-KIND-403: the proxy remembers which runner is linked to which project', () =>
  withFault('project-token-runner-token-accepted', async (call) => {
    const [a, b] = [(await call('POST', '/projects', project(1001), 'maintainer')).body, (await call('POST', '/projects', project(1002), 'maintainer')).body];
    const runner = (await call('POST', '/runners/register', { token: a.token })).body;
    expect((await call('GET', `/commits?project_id=${a.id}&project_token=${runner.token}`)).status).toBe(200);
    expect((await call('GET', `/commits?project_id=${b.id}&project_token=${runner.token}`)).status).toBe(403);
    expect((await call('POST', `/projects/${b.id}/runners/${runner.id}`, undefined, 'maintainer')).status).toBe(201);
    expect((await call('GET', `/commits?project_id=${b.id}&project_token=${runner.token}`)).status).toBe(200);
  }));
