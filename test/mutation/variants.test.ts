// The conforming variants really differ from the reference server the way they say (a variant that
// changed nothing would prove nothing), and the state comparison behind "nothing lost" sees a lost, a
// changed and a left-behind resource.
import { compareState } from '../../src/mutation/harness';
import { startTarget, type RunningTarget } from '../../src/mutation/target';
import { VARIANTS } from '../../src/mutation/variants';
import { CiStore } from '../../src/server/domain';

interface Probe {
  project: Record<string, unknown>;
  runner: { id: number; token: string };
  second: Record<string, unknown>;
  headers: Headers;
  ms: number;
}

/** Creates two projects and a runner through the target, as a client sees them. */
async function probe(target: RunningTarget): Promise<Probe> {
  const { gitlabUrl, users } = target.stack;
  const auth = `private_token=${users.maintainer}&url=${encodeURIComponent(gitlabUrl)}`;
  const create = async (gitlabId: number) => {
    const started = performance.now();
    const res = await fetch(`${target.url}/api/v1/projects?${auth}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `probe-${gitlabId}`, gitlab_id: gitlabId, path: `c/p${gitlabId}`, ssh_url_to_repo: `git@x:c/p${gitlabId}.git` }),
    });
    expect(res.status).toBe(201);
    return { body: (await res.json()) as Record<string, unknown>, headers: res.headers, ms: performance.now() - started };
  };
  const first = await create(1001);
  const second = await create(1002);
  const res = await fetch(`${target.url}/api/v1/runners/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: first.body.token }),
  });
  expect(res.status).toBe(201);
  return { project: first.body, second: second.body, runner: (await res.json()) as { id: number; token: string }, headers: first.headers, ms: first.ms };
}

const EXPECTATIONS: Record<string, (p: Probe, t: RunningTarget) => void> = {
  'staging-data': (_p, t) => {
    const held = t.stack.store.snapshot();
    expect(held.projects.length).toBe(4 + 2);
    expect(held.runners.length).toBe(3 + 1);
  },
  'scattered-ids': (p) => {
    expect(p.project.id as number).toBeGreaterThanOrEqual(100_000);
    expect(p.runner.id).toBeGreaterThanOrEqual(100_000);
    expect(Math.abs((p.second.id as number) - (p.project.id as number))).not.toBe(1);
  },
  'other-tokens': (p, t) => {
    expect(p.project.token).toMatch(/^glpt-[\w-]{44}$/);
    expect(p.runner.token).toMatch(/\+\/=$/);
    expect(t.stack.registrationToken).toMatch(/^reg\+/);
  },
  'extra-fields': (p) => expect(p.project).toHaveProperty('x_vendor_note'),
  'reversed-field-order': (p) => expect(Object.keys(p.project)[0]).toBe('gitlab_id'),
  'slow-100ms': (p) => expect(p.ms).toBeGreaterThanOrEqual(95),
  'connection-close': (p) => expect(p.headers.get('connection')).toBe('close'),
  'all-at-once': (p, t) => {
    EXPECTATIONS['staging-data'](p, t);
    EXPECTATIONS['scattered-ids'](p, t);
    EXPECTATIONS['other-tokens'](p, t);
    expect(Object.keys(p.project).slice(0, 3)).toEqual(['extra_count', '_links', 'x_vendor_note']);
    EXPECTATIONS['connection-close'](p, t);
  },
};

describe('conforming variants', () => {
  test('every variant has a probe here', () => {
    expect(VARIANTS.map((v) => v.name).sort()).toEqual(Object.keys(EXPECTATIONS).sort());
  });

  test.each(VARIANTS.map((v) => [v.name, v]))('variant %s differs from the reference server as it says', async (_name, variant) => {
    const target = await startTarget(variant.target());
    try {
      EXPECTATIONS[variant.name](await probe(target), target);
    } finally {
      await target.close();
    }
  });
});

describe('compareState', () => {
  test('sees a resource lost, changed or left behind, and nothing when the state is the same', () => {
    const store = new CiStore({ registrationToken: 'reg' });
    const input = (n: number) => ({ name: `p${n}`, gitlabId: n, path: `c/p${n}`, sshUrlToRepo: 'git@x:c.git' });
    const kept = store.createProject(input(1));
    const lost = store.createProject(input(2));
    const runner = store.registerRunner(kept.token);
    const before = store.snapshot();
    expect(compareState(before, store.snapshot())).toEqual([]);

    store.deleteProject(lost.id);
    store.createProject(input(3));
    store.updateProject(kept.id, { name: 'renamed' });
    store.createCommit(kept, { before: null, sha: 'a'.repeat(40), ref: 'main', commits: [] });
    store.linkRunner(kept.id, runner.id);
    const changes = compareState(before, store.snapshot());
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^project 2 existed before the run and is gone/),
        expect.stringMatching(/^project 1 was changed by the run: .*name "p1" -> "renamed"/),
        expect.stringMatching(/^project 3 was created by the run and left behind/),
        expect.stringMatching(/^the pending builds were/),
      ]),
    );
  });
});
