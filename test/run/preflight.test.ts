// The pre-flight (`doctor`, and the start of `run`): one ok/problem line per prerequisite, exit 2 on any
// problem, only GET requests to the target (nothing created). Each set-up mistake is made for real
// (a wrong base URL, a GitLab the target does not trust, swapped tokens) and must be named, with the
// option to fix. A refused registration token, which nothing outside the server can tell from a server
// fault, fails its check and names both causes in the console and the reports.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startFakeGitlab, type FakeGitlab } from '../../src/fake-gitlab';
import { readReport } from '../report/support';
import { STACK_LINE, startFaultyTarget, startReferenceStack, type FaultyTarget, type RunningReferenceStack } from '../robustness/support';
import { runCli, tempDir } from './helpers';

let stack: RunningReferenceStack;
let target: FaultyTarget;
let otherGitlab: FakeGitlab;
let htmlSite: http.Server;
let htmlUrl: string;

beforeAll(async () => {
  stack = await startReferenceStack();
  target = await startFaultyTarget({ upstream: stack.url });
  otherGitlab = await startFakeGitlab();
  htmlSite = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome</body></html>'));
  await new Promise<void>((resolve) => htmlSite.listen(0, '127.0.0.1', resolve));
  htmlUrl = `http://127.0.0.1:${(htmlSite.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all([target.close(), otherGitlab.close(), stack.close(), new Promise((resolve) => htmlSite.close(resolve))]);
});

/** The options of a run against the proxied stack, with every credential; `change` replaces some. */
function options(change: Record<string, string> = {}): string[] {
  const given: Record<string, string> = {
    '--target': target.url,
    '--gitlab-url': stack.gitlabUrl,
    '--private-token': stack.users.maintainer,
    '--developer-token': stack.users.developer,
    '--outsider-token': stack.users.outsider,
    '--registration-token': stack.registrationToken,
    '--report-dir': tempDir('preflight'),
    ...change,
  };
  return Object.entries(given).flat();
}

/** doctor's lines: each `ok` or `problem` and its text. */
function findings(stdout: string): Array<[string, string]> {
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const match = /^(ok|problem) +(.+)$/.exec(line);
      expect(match).not.toBeNull();
      return [match![1], match![2]];
    });
}

test('doctor against a well set-up target: every finding ok, exit 0, only GET requests sent', async () => {
  const before = target.requests.length;
  const result = await runCli(['doctor', ...options()]);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const lines = findings(result.stdout);
  expect(lines.every(([status]) => status === 'ok')).toBe(true);
  expect(lines.map(([, text]) => text)).toEqual([
    expect.stringMatching(/^target http:\S+ serves the GitLab CI API v1 \(GET \/api\/v1\/projects without a token: 401\)$/),
    expect.stringMatching(/^GitLab at \S+ answers its API v3$/),
    '--private-token: user "ci-maintainer" (id 101) on GitLab',
    expect.stringMatching(/^the target accepts that user with url=\S+ \(GET \/api\/v1\/projects: 200\)$/),
    expect.stringMatching(/^100 GitLab project\(s\) usable .*the run needs at least 3/),
    expect.stringMatching(/^--developer-token: user "ci-developer" \(id 102\), who sees but does not manage the 100 GitLab projects/),
    expect.stringMatching(/^--outsider-token: user "ci-outsider" \(id 103\), who does not see the 100 GitLab projects/),
  ]);
  const sent = target.requests.slice(before);
  expect(sent.length).toBeGreaterThan(0);
  expect(sent.filter((r) => r.method !== 'GET')).toEqual([]);
  for (const token of Object.values(stack.users)) expect(result.stdout).not.toContain(token);
});

test.each<[string, () => Record<string, string>, RegExp]>([
  ['a target that is not the base URL (nothing at /api/v1)', () => ({ '--target': `${target.url}/ci` }), /^target: nothing at \S+\/ci\/api\/v1\/projects \(404\): --target \(GITLAB_CI_URL\) must be the base URL/],
  ['a target that is a web site, not the API', () => ({ '--target': htmlUrl }), /^target: \S+ answered 200 with a body that is not JSON \(text\/html\): not the GitLab CI API v1/],
  ['a GitLab the target does not trust', () => ({ '--gitlab-url': otherGitlab.url }), /^the target answered 401 .* though GitLab knows the user: either the target trusts another GitLab than --gitlab-url \(GITLAB_URL\)/],
  ['a GitLab URL that is the CI server', () => ({ '--gitlab-url': stack.url }), /^GitLab at \S+: GET \/api\/v3\/user answered 404, not a GitLab API v3; check --gitlab-url/],
  ['a private token GitLab does not know', () => ({ '--private-token': 'no-such-token-4242' }), /^--private-token \(GITLAB_CI_PRIVATE_TOKEN\): GitLab at \S+ does not know this token \(401\)$/],
  ['the maintainer given as the developer', () => ({ '--developer-token': stack.users.maintainer }), /^--developer-token is the same GitLab user as --private-token \("ci-maintainer"\)/],
  ['the outsider given as the developer', () => ({ '--developer-token': stack.users.outsider, '--outsider-token': stack.users.developer }), /^--developer-token: must be a user who sees but does not manage the GitLab projects the run uses .*"ci-outsider"/],
  ['GitLab projects the user does not manage', () => ({ '--gitlab-project-ids': '1001,1002,1003,2001' }), /^--gitlab-project-ids: user "ci-maintainer" does not manage GitLab project\(s\) 2001/],
])('doctor names %s as a problem, exit 2', async (_what, change, problem) => {
  const result = await runCli(['doctor', ...options(change())]);
  expect(result.code).toBe(2);
  expect(findings(result.stdout).filter(([status]) => status === 'problem').map(([, text]) => text)).toContainEqual(expect.stringMatching(problem));
  expect(result.stderr).toBe('');
});

test('a --target ending in /api/v1 is refused before anything is sent: one line with the hint, exit 2', async () => {
  for (const command of ['doctor', 'run']) {
    const before = target.requests.length;
    const result = await runCli([command, ...options({ '--target': `${target.url}/api/v1` })]);
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
    expect(result.stderr.trim().split('\n')).toEqual([`gitlab-ci-conformance: --target: give the server's base URL without /api/v1 (the suite adds it): ${target.url}`]);
    expect(target.requests.length).toBe(before);
  }
});

test('run stops after a pre-flight problem: the findings on stderr, one last line naming it, exit 2, nothing created, no reports', async () => {
  const before = target.requests.length;
  const reportDir = tempDir('preflight-run');
  const result = await runCli(['run', ...options({ '--gitlab-url': otherGitlab.url, '--report-dir': reportDir })]);
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^gitlab-ci-conformance \S+: certifying http:\S+, profile strict: \d+ checks planned$/);
  expect(lines).toContainEqual(expect.stringMatching(/^ {2}problem {2}the target answered 401/));
  expect(lines.at(-1)).toMatch(/^gitlab-ci-conformance: pre-flight: the target answered 401 .*; nothing was run$/);
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(target.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  expect(fs.readdirSync(reportDir)).toEqual([]);
});

test('a registration token the server refuses fails AUTH-REGISTRATION-ACCEPTED; the console and the reports name both causes and the option', async () => {
  const reportDir = tempDir('registration');
  const result = await runCli(['run', ...options({ '--registration-token': 'not-the-registration-token', '--report-dir': reportDir }), '--only', 'AUTH-REGISTRATION-ACCEPTED']);
  expect(result.code).toBe(1);
  const report = readReport(reportDir);
  expect(report.checks.filter((c) => c.status === 'failed').map((c) => c.rule)).toContain('AUTH-REGISTRATION-ACCEPTED');
  const note = /AUTH-REGISTRATION-ACCEPTED failed: either the runners registration token given is not this server's \(check --registration-token \(GITLAB_CI_REGISTRATION_TOKEN\)\), or the server refuses its own registration token/;
  expect(report.notes).toEqual([expect.stringMatching(note)]);
  expect(result.stderr).toMatch(new RegExp(`\\nNote: ${note.source}`));
  expect(fs.readFileSync(path.join(reportDir, 'report.html'), 'utf8')).toMatch(/<b>Note:<\/b> AUTH-REGISTRATION-ACCEPTED failed: either/);
  expect(result.stderr + fs.readFileSync(path.join(reportDir, 'report.json'), 'utf8')).not.toContain('not-the-registration-token');
});
