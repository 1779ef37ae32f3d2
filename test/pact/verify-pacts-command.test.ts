// `verify-pacts` against a --target: exit code 0 when every interaction passed, 1 when one failed
// (a fault proxy in front of the reference server), 2 when the target cannot be reached; no token in
// anything it prints.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { verifyPactsCommand } from '../../src/cli/commands/verify-pacts';
import { CannotRunError } from '../../src/errors';
import { startProxy, type ProxiedRequest } from '../../src/http/proxy';
import { startReferenceStack } from '../../src/server';
import { TOOL } from '../../src/tool';

/** The suite's own client (state set-up and clean-up) names itself in User-Agent; the verifier's replays do not. */
const fromTheSuite = (req: ProxiedRequest): boolean => req.headers['user-agent']?.startsWith(`${TOOL.name}/`) ?? false;

type Stack = Awaited<ReturnType<typeof startReferenceStack>>;
let stack: Stack;

beforeAll(async () => {
  process.env.PACT_DO_NOT_TRACK = 'true';
  stack = await startReferenceStack();
});
afterAll(async () => stack?.close());

async function cli(args: string[]): Promise<{ exitCode: number | undefined; out: string }> {
  const program = new Command('gitlab-ci-conformance').exitOverride();
  verifyPactsCommand(program);
  let out = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const writeErr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const before = process.exitCode;
  try {
    await program.parseAsync(['node', 'gitlab-ci-conformance', 'verify-pacts', ...args, '--report-dir', require('node:os').tmpdir()]);
    return { exitCode: process.exitCode as number | undefined, out };
  } finally {
    process.exitCode = before;
    write.mockRestore();
    writeErr.mockRestore();
  }
}

const targetArgs = (target: string) => ['--target', target, '--gitlab-url', stack.gitlabUrl, '--private-token', stack.users.maintainer, '--registration-token', stack.registrationToken];

describe('verify-pacts', () => {
  it('exits 0 when every interaction passes, and prints no token', async () => {
    const { exitCode, out } = await cli(targetArgs(stack.url));
    expect(exitCode).toBe(0);
    expect(out).toMatch(/25 passed, 0 failed, 0 skipped/);
    for (const token of [stack.users.maintainer, stack.registrationToken]) expect(out).not.toContain(token);
  });

  it('exits 1 when a consumer expectation is broken (runners/delete answers 204)', async () => {
    const proxy = await startProxy({
      target: stack.url,
      rewrite: (req, res) => (req.method === 'DELETE' && req.path === '/api/v1/runners/delete' && req.headers['content-type'] === 'application/json' && !fromTheSuite(req) ? { ...res, status: 204 } : undefined),
    });
    try {
      const { exitCode, out } = await cli([...targetArgs(proxy.url), '--only', 'gitlab-runner']);
      expect(exitCode).toBe(1);
      expect(out).toMatch(/FAIL {2}gitlab-runner: a runner deleting itself\n(\s+.*\n)*?\s+expected 200 but was 204/);
      // The same deviation, accepted by a waiver: reported waived, exit 0.
      const waivers = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gcc-pact-waivers-')), 'waivers.json');
      fs.writeFileSync(waivers, JSON.stringify({ waivers: [{ rule: 'CONSUMER-CONTRACT', operation: 'DELETE /runners/delete', reason: 'answers 204 until 2.3' }] }));
      const accepted = await cli([...targetArgs(proxy.url), '--only', 'gitlab-runner', '--waivers', waivers]);
      expect(accepted.exitCode).toBe(0);
      expect(accepted.out).toMatch(/WAIVED {2}gitlab-runner: a runner deleting itself\n\s+waived \(.*waivers\.json, entry 1\): answers 204 until 2\.3\./);
      expect(accepted.out).toMatch(/\d+ passed, 0 failed, 0 skipped, 1 waived in/);
      expect(accepted.out).toMatch(/CONSUMER-CONTRACT on DELETE \/runners\/delete: applied \(1 check\)/);
    } finally {
      await proxy.close();
    }
  });

  // Over a slow network a chain of set-up requests before every replayed one would be the verification's
  // longest chain: the states of the next interactions are made while the verifier replays the current one.
  it('sets up the states of the next interactions before the verifier replays the first', async () => {
    const arrived: ProxiedRequest[] = [];
    const proxy = await startProxy({ target: stack.url, exchange: (req, send) => (arrived.push(req), send(req)) });
    try {
      const { exitCode } = await cli([...targetArgs(proxy.url), '--only', 'gitlab-runner']);
      expect(exitCode).toBe(0);
      const firstReplay = arrived.findIndex((req) => !fromTheSuite(req));
      const projectsMadeBefore = arrived.slice(0, firstReplay).filter((req) => req.method === 'POST' && req.path === '/api/v1/projects');
      // The first interaction needs one CI project; the set-ups ahead made those of the next ones.
      expect(projectsMadeBefore.length).toBeGreaterThanOrEqual(3);
    } finally {
      await proxy.close();
    }
  });

  it('cannot run (exit 2) when the target cannot be reached', async () => {
    await expect(cli(['--target', 'http://127.0.0.1:1', '--gitlab-url', stack.gitlabUrl, '--private-token', 'abcdefgh'])).rejects.toBeInstanceOf(CannotRunError);
  });
});
