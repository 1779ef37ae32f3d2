// The gitlab-ci-8.0 profile proven end to end, through the built CLI as users run it (`run --target`):
// against a reference server behaving as GitLab CI 8.0 (the same catalog data, src/server/http/behaviour.ts)
// the profile passes, the strict contract fails on exactly the rules whose 8.0 data departs from it; and
// the profile against the strict server fails on exactly those rules as well.
import type { RunReport } from '../../src/report/write';
import { startReferenceStack, type RunningReferenceStack } from '../../src/server';
import { credentialsEnv, readReport } from '../report/support';
import { DEPARTING_UNDER_8_0 } from '../spec/helpers';
import { runCli, tempDir } from './helpers';

const PROFILE = 'gitlab-ci-8.0';

let behaving: RunningReferenceStack;
let strict: RunningReferenceStack;
const serverErrors: string[] = [];
beforeAll(async () => {
  const log = (line: string) => serverErrors.push(line.split('\n')[0]);
  [behaving, strict] = await Promise.all([startReferenceStack({ behave: PROFILE, log }), startReferenceStack({ log })]);
});
afterAll(async () => {
  await Promise.all([behaving?.close(), strict?.close()]);
});

interface CrossRun {
  code: number | null;
  report: RunReport;
  failedRules: string[];
}

/** `run --target` against a stack under a profile; the rules with a failed check. */
async function run(stack: RunningReferenceStack, profile: string, more: string[] = []): Promise<CrossRun> {
  const reportDir = tempDir(`profile-${profile}`);
  const args = ['run', '--target', stack.url, '--gitlab-url', stack.gitlabUrl, '--profile', profile, '--report-dir', reportDir, ...more];
  const { code } = await runCli(args, credentialsEnv(stack), 240_000);
  const report = readReport(reportDir);
  const failedRules = [...new Set(report.checks.filter((c) => c.status === 'failed').map((c) => c.rule))].sort();
  return { code, report, failedRules };
}

describe(`the ${PROFILE} profile, end to end`, () => {
  test(`run --profile ${PROFILE} against the server behaving as ${PROFILE}: no failure, exit 0`, async () => {
    const { code, report, failedRules } = await run(behaving, PROFILE);
    expect(failedRules).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ profile: PROFILE, leftBehind: [] });
    expect(report.summary.passed).toBeGreaterThan(400);
    // A check the profile does not judge is reported skipped with its reason, never passed.
    for (const check of report.checks.filter((c) => c.status === 'skipped')) expect(check.reason).toMatch(new RegExp(`under ${PROFILE}`));
    // Test names state the profile's expectation.
    const missing = report.checks.find((c) => c.id === 'listProjects:AUTH-USER-MISSING-401');
    expect(missing).toMatchObject({ status: 'passed', title: `GET /projects without a user token should yield 403 under ${PROFILE}` });
  }, 300_000);

  test(`run (strict) against the server behaving as ${PROFILE}: fails on exactly the rules whose ${PROFILE} data departs`, async () => {
    const { code, report, failedRules } = await run(behaving, 'strict');
    expect(failedRules).toEqual(DEPARTING_UNDER_8_0);
    expect(code).toBe(1);
    expect(report.leftBehind).toEqual([]);
  }, 300_000);

  test(`run --profile ${PROFILE} against the strict server: fails on exactly those rules as well`, async () => {
    const { code, report, failedRules } = await run(strict, PROFILE);
    expect(failedRules).toEqual(DEPARTING_UNDER_8_0);
    expect(code).toBe(1);
    expect(report.leftBehind).toEqual([]);
    const failure = report.checks.find((c) => c.id === 'deleteRunner:DELETE-IDEMPOTENT-REPEAT');
    expect(failure).toMatchObject({ status: 'failed', title: expect.stringContaining(`should yield 403 under ${PROFILE}`), reason: expect.stringContaining('expected 403') });
  }, 300_000);

  // A model sequence once unlinked a runner twice: 8.0's 404 for the second (its DELETE-IDEMPOTENT departure)
  // failed the list rule. A sequence now only makes a link that is not there and undoes one that is.
  test(`the list sequences of a seed that once met ${PROFILE}'s DELETE departure pass under ${PROFILE}`, async () => {
    const { code, failedRules } = await run(behaving, PROFILE, ['--only', 'LISTS-SHOW-CREATED,DELETED-GONE-FROM-LISTS', '--seed', '371925937']);
    expect(failedRules).toEqual([]);
    expect(code).toBe(0);
  }, 120_000);

  test('neither server logged an error', () => {
    expect(serverErrors).toEqual([]);
  });
});
