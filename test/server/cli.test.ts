// The `serve` and `fake-gitlab` commands: option checking in process, and the built CLI end to end
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../../src/errors';
import { fakeGitlabCommand } from '../../src/cli/commands/fake-gitlab';
import { parsePort, serveCommand } from '../../src/cli/commands/serve';
import { runCli } from '../run/helpers';

const ROOT = path.resolve(__dirname, '..', '..');

test('parsePort accepts 0..65535 and names the option otherwise', () => {
  expect(parsePort(undefined, '--port')).toBe(0);
  expect(parsePort('8080', '--port')).toBe(8080);
  expect(parsePort('0', '--gitlab-port')).toBe(0);
  for (const bad of ['abc', '-1', '65536', '1.5', '']) {
    expect(() => parsePort(bad, '--gitlab-port')).toThrow(UsageError);
    expect(() => parsePort(bad, '--gitlab-port')).toThrow(/--gitlab-port/);
  }
});

test.each([
  [['serve', '--port', 'x']],
  [['serve', '--gitlab-port', '70000']],
  [['fake-gitlab', '--port', '-5']],
])('%p: UsageError before anything starts', async (args) => {
  const program = new Command().exitOverride();
  serveCommand(program);
  fakeGitlabCommand(program);
  await expect(program.parseAsync(args, { from: 'user' })).rejects.toThrow(UsageError);
});

function startCli(args: string[]): Promise<{ line: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'gitlab-ci-conformance.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, PACT_DO_NOT_TRACK: 'true' },
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        resolve({
          line: out.slice(0, nl),
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code} before printing: ${err}`)));
  });
}

describe('the built CLI (npm test builds it first)', () => {
  test('serve --json prints one JSON line, serves, and exits 0 on SIGTERM', async () => {
    const { line, stop } = await startCli(['serve', '--json', '--registration-token', 'cli-reg-token']);
    const info = JSON.parse(line);
    expect(info).toMatchObject({ registrationToken: 'cli-reg-token', users: { maintainer: 'maintainer-private-token' } });
    const res = await fetch(`${info.url}/api/v1/projects?url=${encodeURIComponent(info.gitlabUrl)}&private_token=${info.users.maintainer}`);
    expect(res.status).toBe(200);
    expect((await fetch(`${info.url}/api/v1/runners/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"token":"cli-reg-token"}' })).status).toBe(201);
    expect(await stop()).toBe(0);
  });

  test('fake-gitlab --json prints {gitlabUrl, users} and exits 0 on SIGINT-like stop', async () => {
    const { line, stop } = await startCli(['fake-gitlab', '--json']);
    const info = JSON.parse(line);
    expect(Object.keys(info).sort()).toEqual(['gitlabUrl', 'users']);
    expect((await fetch(`${info.gitlabUrl}/api/v3/user?private_token=${info.users.outsider}`)).status).toBe(200);
    expect(await stop()).toBe(0);
  });

  test('serve without --json prints the tokens for curl', async () => {
    const { line, stop } = await startCli(['serve']);
    expect(line).toMatch(/reference server: http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
    expect(await stop()).toBe(0);
  });

  test('serve --behave gitlab-ci-8.0 answers as GitLab CI 8.0 did where the catalog records a difference', async () => {
    const { line, stop } = await startCli(['serve', '--json', '--behave', 'gitlab-ci-8.0']);
    const info = JSON.parse(line);
    const projects = `${info.url}/api/v1/projects?url=${encodeURIComponent(info.gitlabUrl)}`;
    expect((await fetch(projects)).status).toBe(403);
    expect((await fetch(`${projects}&private_token=${info.users.maintainer}`)).status).toBe(200);
    expect((await fetch(`${info.url}/api/v1/projects?url=http://gitlab.invalid/&private_token=${info.users.maintainer}`)).status).toBe(200);
    expect(await stop()).toBe(0);
  });

  test('serve --behave with a profile the catalog does not declare exits 2 naming the option and the known ones', async () => {
    const { code, stderr } = await runCli(['serve', '--behave', 'gitlab-ci-7.0']);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual(['gitlab-ci-conformance: --behave: unknown profile "gitlab-ci-7.0" (known: strict, gitlab-ci-8.0)']);
  });

  test('a bad port exits 2 with a one-line reason naming the option', async () => {
    const { code, stderr } = await runCli(['serve', '--port', 'abc']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port/);
  });
});
