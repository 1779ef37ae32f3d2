// BUILD-HANDED-OUT-ONCE: runners polling at the same instant never get the same build.
import { bestOfAlternately, timed } from '../timing';
import { startTestApi, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.stack.close();
});

test('20 runners polling at once for 10 pending builds: every build handed out exactly once', async () => {
  const p = await api.createProject();
  const runners = await Promise.all(Array.from({ length: 20 }, () => api.registerRunner(p.token)));
  const yaml = Array.from({ length: 10 }, (_, i) => `job${i}:\n  script: echo ${i}\n`).join('');
  const commit = await api.push(p, { ci_yaml_file: yaml });
  const buildIds = commit.body.builds.map((b: { id: number }) => b.id).sort();
  expect(buildIds).toHaveLength(10);
  const answers = await Promise.all(
    runners.map((r, i) => api.call('POST', i % 2 ? '/builds/register.json' : '/builds/register', { body: { token: r.token } })),
  );
  const handed = answers.filter((a) => a.status === 201).map((a) => a.body.id as number);
  expect(answers.filter((a) => a.status === 404)).toHaveLength(10);
  expect(handed.sort()).toEqual(buildIds);
  expect(new Set(handed).size).toBe(10);
  // each build is assigned to the runner that received it
  const list = await api.call('GET', '/commits', { query: { project_id: p.id, project_token: p.token } });
  const byBuild = new Map(list.body[0].builds.map((b: { id: number; runner_id: number }) => [b.id, b.runner_id]));
  answers.forEach((a, i) => {
    if (a.status === 201) expect(byBuild.get(a.body.id)).toBe(runners[i].id);
  });
});

// Timing: the bound is the same requests sent one after another, measured in this test (alternately, best
// of up to three rounds: test/timing.ts).
test('a burst of mixed requests at once takes no longer than the same requests one after another', async () => {
  const p = await api.createProject();
  const runner = await api.registerRunner(p.token);
  const request = (i: number) =>
    i % 3 === 0
      ? api.call('GET', '/projects', { as: 'maintainer' })
      : i % 3 === 1
        ? api.call('POST', '/builds/register', { body: { token: runner.token } })
        : api.call('GET', '/commits', { query: { project_id: p.id, project_token: p.token } });
  const COUNT = 300;
  const boundOf = (oneAfterAnother: { durationMs: number }) => 2 * oneAfterAnother.durationMs;
  const best = await bestOfAlternately({
    oneAfterAnother: () =>
      timed(async () => {
        for (let i = 0; i < COUNT; i += 1) await request(i);
      }),
    atOnce: () => timed(() => Promise.all(Array.from({ length: COUNT }, (_, i) => request(i)))),
  }, (b) => b.atOnce.durationMs < boundOf(b.oneAfterAnother));
  // At once, the server and the client share the CPU the same way: nothing queues behind a lock.
  expect(best.atOnce.durationMs).toBeLessThan(boundOf(best.oneAfterAnother));
});
