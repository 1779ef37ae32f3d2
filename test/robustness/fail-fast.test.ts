// Broken servers are judged fast: when the state a group of checks needs cannot be made (a creation
// answers an unusable body, a deletion does not free its GitLab project), the rest of the group fails at
// once with the prerequisite's reason and the first failure's evidence, instead of waiting for time-outs.
// Timing: the bound is 2x a run against the same server unbroken, measured in this test side by side with
// the broken runs, each against a reference stack of its own (up to three rounds: test/timing.ts).
import type { RunReport } from '../../src/report/write';
import { readReport } from '../report/support';
import { runCli } from '../run/helpers';
import { sideBySide } from '../timing';
import { removeLeftovers, startFaultyTarget, startReferenceStack, targetArgs, tempDir, type Fault, type RunningReferenceStack, type SeenRequest } from './support';

/** The suite files of projects and runners: most of their cases need a CI project of their own. */
const ONLY = 'projects,runners';

const stacks: RunningReferenceStack[] = [];
afterAll(() => Promise.all(stacks.map((stack) => stack.close())));

type FaultOf = (request: SeenRequest) => Fault | undefined;

async function run(stack: RunningReferenceStack, fault: FaultOf): Promise<{ report: RunReport; durationMs: number; code: number | null }> {
  const proxy = await startFaultyTarget({ upstream: stack.url, fault });
  const reportDir = tempDir('fail-fast');
  try {
    const { code, durationMs } = await runCli(['run', ...targetArgs(proxy.url, stack, reportDir), '--only', ONLY]);
    return { report: readReport(reportDir), durationMs, code };
  } finally {
    await proxy.close();
    await removeLeftovers(stack);
  }
}

const creation = (r: SeenRequest) => r.method === 'POST' && r.path.replace(/\.json$/, '') === '/projects';
const deletion = (r: SeenRequest) => r.method === 'DELETE' && /^\/projects\/\d+(\.json)?$/.test(r.path);

const BROKEN: Record<string, FaultOf> = {
  // Answered without forwarding: nothing is made, and the answer says nothing of what was.
  'POST /projects answers 201 with a body that is no project': (r) => (creation(r) ? { kind: 'status', status: 201 } : undefined),
  // Answered without forwarding: the project stays on its GitLab project, which is never freed.
  'DELETE /projects/:id answers 200 and keeps the project': (r) => (deletion(r) ? { kind: 'status', status: 200 } : undefined),
};
type Outcome = Awaited<ReturnType<typeof run>>;
/** The longest a run against a broken server may take. */
const boundOf = (unbroken: Outcome) => 2 * unbroken.durationMs;
/** By way: 'unbroken', or one of BROKEN. */
let outcomes: Record<string, Outcome>;

beforeAll(async () => {
  const runs: Record<string, () => Promise<Outcome>> = {};
  for (const [name, fault] of Object.entries({ unbroken: () => undefined, ...BROKEN })) {
    const stack = await startReferenceStack();
    stacks.push(stack);
    runs[name] = () => run(stack, fault);
  }
  outcomes = await sideBySide(runs, (round) => Object.keys(BROKEN).every((name) => round[name].durationMs <= boundOf(round.unbroken)));
}, 240_000);

describe.each(Object.keys(BROKEN))('a server where %s', (name) => {
  let outcome: Outcome;
  beforeAll(() => {
    outcome = outcomes[name];
  });

  test('the run ends within 2x the same run against the unbroken server', () => {
    expect(outcome.code).toBe(1);
    expect(outcome.durationMs).toBeLessThanOrEqual(boundOf(outcomes.unbroken));
  });

  test('the checks that needed the prerequisite failed at once, each naming its rule, with the first failure as evidence', () => {
    const atOnce = outcome.report.checks.filter((c) => /^prerequisite "a CI project of the run" failed: /.test(c.reason ?? ''));
    expect(atOnce.length).toBeGreaterThan(10);
    for (const check of atOnce) {
      expect(check.status).toBe('failed');
      expect(check.rule).toMatch(/^[A-Z0-9-]+$/);
    }
    // The evidence of a check failed at once is the prerequisite's failing creation (a generated check's
    // own evidence is its shrunk input's).
    const withCreation = atOnce.filter((c) => c.evidence?.request.method === 'POST' && new URL(c.evidence.request.url).pathname === '/api/v1/projects');
    expect(withCreation.length).toBeGreaterThan(atOnce.length / 2);
  });
});
