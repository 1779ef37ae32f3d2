// A target that cannot be reached is a "could not run" (exit 2) without waiting: the pre-flight's problem
// line and the one-line reason both name the URL and the cause; no stack trace, nothing else printed.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { runCli } from '../run/helpers';
import { STACK_LINE, tempDir } from './support';

const TOKEN = 'RECOGNISABLE-private-token-unreachable-1234';

const TIMEOUT_MS = 2_000;

function credentials(target: string): string[] {
  return ['run', '--target', target, '--gitlab-url', 'http://127.0.0.1:9', '--private-token', TOKEN, '--report-dir', tempDir('unreachable'), '--timeout', String(TIMEOUT_MS)];
}

// Timing: the bound is a run that stops at its options (start-up and exit), measured here, and one --timeout.
let startUpMs: number;
beforeAll(async () => {
  const refused = await runCli(['run', '--concurrency', '0']);
  expect(refused.code).toBe(2);
  startUpMs = refused.durationMs;
});

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function expectCannotRun(result: Awaited<ReturnType<typeof runCli>>, target: string, cause: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.durationMs).toBeLessThan(3 * startUpMs + TIMEOUT_MS);
  const [first, ...lines] = result.stderr.split('\n').filter(Boolean);
  const reason = lines.pop() ?? '';
  expect(first).toMatch(new RegExp(`^gitlab-ci-conformance \\S+: certifying ${target.replace(/[.]/g, '\\.')}, profile strict: \\d+ checks planned$`));
  for (const line of lines) expect(line).toMatch(/^ {2}(ok|problem) {2,}/);
  const problem = lines.find((line) => line.includes(`target ${target} `));
  for (const line of [problem, reason]) {
    expect(line).toContain(target);
    expect(line).toMatch(cause);
  }
  expect(reason).toMatch(/^gitlab-ci-conformance: pre-flight: /);
  expect(reason).not.toMatch(/internal error/);
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.stderr + result.stdout).not.toContain(TOKEN);
  expect(result.stdout).toBe('');
}

describe('an unreachable target: exit 2 within one --timeout, the URL and the cause named in the problem line and the one-line reason', () => {
  test('nothing listening on the port (connection refused)', async () => {
    const target = `http://127.0.0.1:${await closedPort()}`;
    expectCannotRun(await runCli(credentials(target)), target, /connection refused/);
  });

  test('an unknown host', async () => {
    const target = 'http://nonexistent.invalid';
    expectCannotRun(await runCli(credentials(target)), target, /unknown host|could not be resolved/);
  });

  test('a server that accepts connections and cuts them at once', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expectCannotRun(await runCli(credentials(target)), target, /connection reset|closed/);
    } finally {
      server.close();
    }
  });

  test('a server that accepts connections and never answers (with --timeout 2000)', async () => {
    const sockets = new Set<net.Socket>();
    const server = http.createServer(() => undefined);
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expectCannotRun(await runCli([...credentials(target), '--timeout', '2000']), target, /timed out after 2000 ms/);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
