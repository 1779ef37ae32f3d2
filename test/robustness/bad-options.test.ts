// Bad options are a "could not run" (exit 2) with one line naming the option (and, for a credential,
// its environment variable), never a stack trace; for `run` and `verify-pacts` alike, which share them.
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../run/helpers';
import { STACK_LINE, tempDir } from './support';

const TOKEN = 'RECOGNISABLE-private-token-options-5678';
const target = ['--target', 'http://127.0.0.1:9', '--gitlab-url', 'http://127.0.0.1:9', '--private-token', TOKEN];
const aFile = path.join(tempDir('options'), 'a-file');
fs.writeFileSync(aFile, '');

const CASES: Array<[string, string[], RegExp]> = [
  ['a malformed --target URL', ['--target', 'not a url', '--gitlab-url', 'http://127.0.0.1:9', '--private-token', TOKEN], /--target: not a URL/],
  ['a --target that is not http(s)', ['--target', 'ftp://example.com', '--gitlab-url', 'http://127.0.0.1:9', '--private-token', TOKEN], /--target: must be an http/],
  ['a malformed --gitlab-url', ['--target', 'http://127.0.0.1:9', '--gitlab-url', 'gitlab', '--private-token', TOKEN], /--gitlab-url: not a URL/],
  ['an unknown option', ['--tagret', 'http://127.0.0.1:9'], /unknown option '--tagret'/],
  ['an unknown profile', ['--profile', 'lenient'], /--profile: unknown profile "lenient"/],
  ['a missing private token with --target', ['--target', 'http://127.0.0.1:9', '--gitlab-url', 'http://127.0.0.1:9'], /--private-token \(GITLAB_CI_PRIVATE_TOKEN\)/],
  ['a missing GitLab URL with --target', ['--target', 'http://127.0.0.1:9', '--private-token', TOKEN], /--gitlab-url \(GITLAB_URL\)/],
  ['a report dir that is a file', [...target, '--report-dir', aFile], /--report-dir \(GITLAB_CI_REPORT_DIR\): cannot write reports to .*a-file: it is a file/],
  ['a report dir below a file', [...target, '--report-dir', path.join(aFile, 'reports')], /--report-dir \(GITLAB_CI_REPORT_DIR\): cannot write reports to .*: a part of the path is a file/],
  ['a --timeout that is not a number', [...target, '--timeout', 'soon'], /--timeout: expected a whole number/],
  ['a --concurrency of 0', [...target, '--concurrency', '0'], /--concurrency: expected a whole number >= 1/],
  ['a --seed beyond 2^31-1', [...target, '--seed', '4294967296'], /--seed: expected a whole number from 0 to 2147483647, got "4294967296"/],
  ['a negative --seed', [...target, '--seed=-1'], /--seed: expected a whole number from 0 to 2147483647/],
  ['an --examples of 0', [...target, '--examples', '0'], /--examples: expected a whole number >= 1/],
  ['a --steps that is not a number', [...target, '--steps', 'many'], /--steps: expected a whole number >= 1/],
];

function expectUsageError(result: Awaited<ReturnType<typeof runCli>>, message: RegExp): void {
  expect(result.code).toBe(2);
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines).toEqual([expect.stringMatching(message)]);
  expect(lines[0]).toMatch(/^gitlab-ci-conformance: /);
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.stderr + result.stdout).not.toContain(TOKEN);
}

describe.each(['run', 'verify-pacts'])('%s with bad options: exit 2 and one line', (command) => {
  // Each case is a CLI process of its own: they run side by side.
  test.concurrent.each(CASES)('%s', async (_name, args, message) => {
    expectUsageError(await runCli([command, ...args], { GITLAB_CI_REPORT_DIR: tempDir('options-report') }), message);
  });

  test('a credential missing from both the options and the environment names the variable', async () => {
    const result = await runCli([command, '--target', 'http://127.0.0.1:9'], { GITLAB_URL: 'http://127.0.0.1:9', GITLAB_CI_PRIVATE_TOKEN: '' });
    expectUsageError(result, /with --target, also set --private-token \(GITLAB_CI_PRIVATE_TOKEN\)/);
  });
});

test('run: an unknown rule or resource in --only or --skip', async () => {
  expectUsageError(await runCli(['run', '--only', 'GET-200,NO-SUCH-RULE']), /--only: unknown rule or resource "NO-SUCH-RULE"/);
  expectUsageError(await runCli(['run', '--skip', 'pipelines']), /--skip: unknown rule or resource "pipelines"/);
});

test('verify-pacts: an unknown consumer in --only', async () => {
  expectUsageError(await runCli(['verify-pacts', '--only', 'nobody']), /--only: unknown rule or resource "nobody"/);
});
