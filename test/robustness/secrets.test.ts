// No token reaches the console, the reports, or any file the run writes, even against a server that
// echoes the request's tokens back in its bodies, error messages and headers.
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../run/helpers';
import { filesBelow, startFaultyTarget, startReferenceStack, tempDir, type FaultyTarget, type RunningReferenceStack } from './support';

const REGISTRATION_TOKEN = 'RECOGNISABLE-registration-token-echo-9876';

let stack: RunningReferenceStack;
let proxy: FaultyTarget;
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
}, 180_000);

test('verify-pacts: console, --json output and temporary files (Pact logs) hold no token', async () => {
  const tmp = tempDir('secrets-pact-tmp');
  const result = await runCli(['verify-pacts', '--json', '--developer-token', stack.users.developer, '--outsider-token', stack.users.outsider], credentialsEnv(tmp));
  expect([0, 1]).toContain(result.code);
  expect(result.stdout.length).toBeGreaterThan(0);
  const logs = fs.existsSync(path.join(tmp)) ? filesBelow(tmp) : [];
  expectNoSecret([{ file: 'stdout', text: result.stdout }, { file: 'stderr', text: result.stderr }, ...logs]);
}, 180_000);
