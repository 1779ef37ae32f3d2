// An error nobody caught never prints a stack trace, nor the token an error object may carry: one
// redacted line "internal error", exit 2. A CannotRunError is told apart from an internal error.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../run/helpers';
import { STACK_LINE } from './support';

const TOKEN = 'RECOGNISABLE-token-in-a-crash-4321';

function crash(how: string): { code: number | null; stderr: string } {
  const script = `
    const { installCrashGuards } = require(${JSON.stringify(path.join(ROOT, 'dist/cli/errors.js'))});
    const { consoleRedactor } = require(${JSON.stringify(path.join(ROOT, 'dist/report/redact.js'))});
    const { TransportError } = require(${JSON.stringify(path.join(ROOT, 'dist/http/client.js'))});
    const { wireRequestOf } = require(${JSON.stringify(path.join(ROOT, 'dist/http/wire.js'))});
    consoleRedactor.add(${JSON.stringify(TOKEN)});
    const guards = installCrashGuards(consoleRedactor);
    process.on('exit', (code) => { if (code === 0 && guards.failed()) process.exitCode = 2; });
    ${how}
  `;
  const child = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: child.status, stderr: child.stderr };
}

test.each([
  // The client's error carries the request as it was sent: its URL and headers hold the token.
  ['an unhandled rejection carrying an HTTP request with a token', `
    const sent = wireRequestOf('http://127.0.0.1:1/api/v1', { method: 'GET', path: '/projects', query: { private_token: '${TOKEN}' }, headers: { 'PRIVATE-TOKEN': '${TOKEN}' } });
    const error = new TransportError('timed out after 5 ms', 'TIMEOUT', { method: 'GET', path: '/projects?private_token=${TOKEN}' }, { request: sent, startedAt: 0, durationMs: 5 });
    Promise.reject(error);`],
  ['an uncaught exception with the token in its message', `setTimeout(() => { throw new Error('boom with ${TOKEN}\\nsecond line'); }, 1);`],
])('%s: one redacted line, exit 2', (_name, how) => {
  const { code, stderr } = crash(how);
  expect(code).toBe(2);
  expect(stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^gitlab-ci-conformance: internal error/)]);
  expect(stderr).not.toMatch(STACK_LINE);
  expect(stderr).not.toContain(TOKEN);
  expect(stderr).toContain('[REDACTED]');
});
