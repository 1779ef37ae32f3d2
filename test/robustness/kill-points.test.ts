// leftBehind is complete whatever stops a run: runs are stopped at several points (SIGTERM after N
// requests reached the target, or the target dying after N requests) and what report.json lists is
// compared with what the target still holds. Every leftover is listed, by id or, when a creation of its
// kind got no answer, by the names to look for; nothing is listed by id that is gone.
import type { RunReport } from '../../src/report/write';
import { readReport } from '../report/support';
import { leftovers, removeLeftovers, startCli, startFaultyTarget, startReferenceStack, targetArgs, tempDir, type FaultyTarget, type RunningReferenceStack } from './support';

/** Creations of every kind: projects and forks, runners (a suite file's and the runner pact's), links. */
const ONLY = 'createFork,registerRunner,linkRunner,gitlab-runner';

/** What stops the run, after how many requests reached the target (past the pre-flight's). */
const POINTS: Array<{ stop: 'SIGTERM' | 'target dies'; after: number }> = [
  { stop: 'SIGTERM', after: 20 },
  { stop: 'SIGTERM', after: 70 },
  { stop: 'SIGTERM', after: 140 },
  { stop: 'target dies', after: 25 },
  { stop: 'target dies', after: 80 },
  { stop: 'target dies', after: 150 },
];

const BY_NAME = { projects: /^CI projects created by requests that got no usable answer/, runners: /^runners registered by requests that got no usable answer/ };

let stack: RunningReferenceStack;
beforeAll(async () => {
  stack = await startReferenceStack();
});
afterAll(() => stack.close());
afterEach(() => removeLeftovers(stack));

/** Whether the target received a creation of that kind and never answered it. */
function unansweredCreation(proxy: FaultyTarget, paths: RegExp): boolean {
  return proxy.requests.some((r) => r.method === 'POST' && paths.test(r.path) && !r.answered);
}

test.each(POINTS)('leftBehind lists everything still on the target: $stop after $after requests', async ({ stop, after }) => {
  const proxy = await startFaultyTarget({ upstream: stack.url });
  const reportDir = tempDir('kill-point');
  let report: RunReport;
  try {
    const child = startCli(['run', ...targetArgs(proxy.url, stack, reportDir), '--only', ONLY, '--timeout', '2000']);
    void proxy.seen(after).then(() => void (stop === 'SIGTERM' ? child.process.kill('SIGTERM') : proxy.kill()));
    const result = await child.done;
    expect(result.code).toBe(stop === 'SIGTERM' ? 143 : 1);
    report = readReport(reportDir);
  } finally {
    await proxy.close();
  }
  const left = await leftovers(stack);
  const listedProject = (id: number) => report.leftBehind.some((line) => line.startsWith(`CI project ${id} `));
  const listedRunner = (id: number) => report.leftBehind.some((line) => line.startsWith(`runner ${id}: `));
  const projectsByName = report.leftBehind.some((line) => BY_NAME.projects.test(line));
  const runnersByName = report.leftBehind.some((line) => BY_NAME.runners.test(line));
  // By name only when a creation may have gone unanswered: never after a SIGTERM (every request in flight
  // ends); the target dying may cut one the proxy had not even read whole, which the run cannot tell apart.
  if (stop === 'SIGTERM') expect({ projectsByName, runnersByName }).toEqual({ projectsByName: false, runnersByName: false });
  if (unansweredCreation(proxy, /^\/(projects|forks)(\.json)?$/)) expect(projectsByName || left.projects.every(listedProject)).toBe(true);
  if (unansweredCreation(proxy, /^\/runners\/register(\.json)?$/)) expect(runnersByName).toBe(true);
  for (const id of left.projects) expect({ project: id, listed: listedProject(id) || projectsByName }).toEqual({ project: id, listed: true });
  for (const id of left.runners) expect({ runner: id, listed: listedRunner(id) || runnersByName }).toEqual({ runner: id, listed: true });
  // Nothing listed by id is gone, unless the line says a request that removes it was sent (and one was).
  const removalSent = proxy.requests.some((r) => r.method === 'DELETE');
  for (const line of report.leftBehind) {
    const project = /^CI project (\d+) /.exec(line)?.[1];
    const runner = /^runner (\d+): /.exec(line)?.[1];
    const mayBeGone = / may be gone$/.test(line) && removalSent;
    if (project && !mayBeGone) expect(left.projects).toContain(Number(project));
    if (runner && !mayBeGone) expect(left.runners).toContain(Number(runner));
  }
}, 60_000);
