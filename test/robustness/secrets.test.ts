// No token reaches the console, the reports, or any file the run writes, even against a server that
// echoes the request's tokens back in its bodies, error messages and headers.
import fs from 'node:fs';
import path from 'node:path';
import type { CheckResult } from '../../src/report/results';
import { CURL_AVAILABLE, readReport, replay, resetStack, statusesSeen } from '../report/support';
import { runCli } from '../run/helpers';
import { filesBelow, startFaultyTarget, startReferenceStack, tempDir, type FaultyTarget, type RunningReferenceStack } from './support';

const REGISTRATION_TOKEN = 'RECOGNISABLE-registration-token-echo-9876';

let stack: RunningReferenceStack;
let proxy: FaultyTarget;
/** The failed checks of the run test, for the replay test. */
let failed: CheckResult[] = [];
beforeAll(async () => {
  stack = await startReferenceStack({ registrationToken: REGISTRATION_TOKEN });
  proxy = await startFaultyTarget({ upstream: stack.url, echoTokens: true });
});
afterAll(async () => {
  await proxy.close();
  await stack.close();
});

function secrets(): string[] {
  return [REGISTRATION_TOKEN, ...Object.values(stack.users), ...proxy.tokensHandedOut];
}

function expectNoSecret(outputs: Array<{ file: string; text: string }>): void {
  const found = outputs.flatMap(({ file, text }) => secrets().filter((s) => text.includes(s)).map((s) => `${file}: ${s}`));
  expect(found).toEqual([]);
}

function credentialsEnv(tmp: string): NodeJS.ProcessEnv {
  return {
    TMPDIR: tmp,
    GITLAB_CI_URL: proxy.url,
    GITLAB_URL: stack.gitlabUrl,
    GITLAB_CI_PRIVATE_TOKEN: stack.users.maintainer,
    GITLAB_CI_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
  };
}

test('run: console, junit.xml, report.json, report.html and temporary files hold no token', async () => {
  const tmp = tempDir('secrets-tmp');
  const reportDir = tempDir('secrets-report');
  const result = await runCli(
    ['run', '--developer-token', stack.users.developer, '--outsider-token', stack.users.outsider, '--report-dir', reportDir],
    credentialsEnv(tmp),
  );
  expect(result.code).toBe(1); // the echoes break response schemas
  const reports = filesBelow(reportDir);
  expect(reports.map((r) => path.basename(r.file)).sort()).toEqual(['junit.xml', 'report.html', 'report.json']);
  expect(reports.find((r) => r.file.endsWith('report.json'))?.text).toContain('[REDACTED]');
  expect(proxy.tokensHandedOut.size).toBeGreaterThan(10);
  expectNoSecret([{ file: 'stdout', text: result.stdout }, { file: 'stderr', text: result.stderr }, ...reports, ...filesBelow(tmp)]);
  // The reports carry the evidence of every failure, with its replay: secrets there are variables.
  failed = readReport(reportDir).checks.filter((c) => c.status === 'failed');
  expect(failed.length).toBeGreaterThan(5);
  for (const check of failed) expect(check.evidence?.curl).toBeDefined();
  expect(failed.filter((c) => /"\$GITLAB_CI_(PRIVATE|REGISTRATION|PROJECT|RUNNER)_TOKEN"/.test(c.evidence?.curl ?? '')).length).toBeGreaterThan(5);
}, 180_000);

// Replayed one after the other, each on the server as the run found it.
(CURL_AVAILABLE ? test : test.skip)(`run: every curl reproduction of the failing run meets the statuses the run saw${CURL_AVAILABLE ? '' : ' (SKIPPED: no curl binary on this machine)'}`, async () => {
  expect(failed.length).toBeGreaterThan(5);
  const env = { GITLAB_CI_PRIVATE_TOKEN: stack.users.maintainer, GITLAB_CI_DEVELOPER_TOKEN: stack.users.developer, GITLAB_CI_OUTSIDER_TOKEN: stack.users.outsider, GITLAB_CI_REGISTRATION_TOKEN: REGISTRATION_TOKEN };
  for (const check of failed) {
    await resetStack(stack);
    const outcome = await replay(check.evidence!.curl!, env);
    expect({ check: check.id, statuses: outcome.statuses, code: outcome.code }).toEqual({ check: check.id, statuses: statusesSeen(check.evidence!), code: 0 });
  }
  await resetStack(stack);
}, 300_000);

test('verify-pacts: console, --json output and temporary files (Pact logs) hold no token', async () => {
  const tmp = tempDir('secrets-pact-tmp');
  const result = await runCli(['verify-pacts', '--json', '--developer-token', stack.users.developer, '--outsider-token', stack.users.outsider], credentialsEnv(tmp));
  expect([0, 1]).toContain(result.code);
  expect(result.stdout.length).toBeGreaterThan(0);
  const logs = fs.existsSync(path.join(tmp)) ? filesBelow(tmp) : [];
  expectNoSecret([{ file: 'stdout', text: result.stdout }, { file: 'stderr', text: result.stderr }, ...logs]);
}, 180_000);
