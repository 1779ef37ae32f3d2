// The curl reproduction replays what was sent byte for byte (method, request-target, every header, the
// body), with every secret as an environment variable (never its value) that expands to the same bytes
// wherever it sat (a URL, a header, a JSON or form body, a body that is not text), and with the tokens
// and ids an earlier answer handed out taken from the replay's own answers. Run with the real curl binary
// against a plain node:net server that captures the bytes.
import { percentEncode } from '../../src/http/encode';
import type { ApiRequest, WireRequest } from '../../src/http/types';
import { wireRequestOf } from '../../src/http/wire';
import { curlReproduction, type Recorded, type SecretVariable } from '../../src/report/evidence';
import { startRawServer, type RawServer } from '../http/raw-server';
import { CURL_AVAILABLE, replay } from './support';

/** Secrets with every character that needs encoding somewhere: in a URL, in JSON, in a shell word. */
const PRIVATE = `priv+tok/en"'%\\ $x`;
const REGISTRATION = 'reg!stration*token';
const SECRETS: SecretVariable[] = [
  { value: PRIVATE, variable: 'GITLAB_CI_PRIVATE_TOKEN' },
  { value: REGISTRATION, variable: 'GITLAB_CI_REGISTRATION_TOKEN' },
];
const ENV = { GITLAB_CI_PRIVATE_TOKEN: PRIVATE, GITLAB_CI_REGISTRATION_TOKEN: REGISTRATION };

/** What the run's server handed out, and what the replay's server hands out instead. */
const RUN = { id: 7, token: 'old/tok+en"x' };
const REPLAY = { id: 8, token: 'new&tok=en\\y' };

/** The check's requests, given what the creation handed out. */
function requests(handed: { id: number; token: string }): ApiRequest[] {
  return [
    { method: 'POST', path: '/projects', query: { private_token: PRIVATE, url: 'http://gitlab.example/' }, body: { name: 'n', gitlab_id: 1001 } },
    { method: 'PUT', path: `/projects/${handed.id}`, headers: { 'PRIVATE-TOKEN': PRIVATE }, encoding: 'form', body: { token: handed.token, project_id: handed.id, registration: REGISTRATION } },
    { method: 'POST', path: '/commits', body: { project_id: handed.id, project_token: handed.token, data: { note: `with ${PRIVATE}` } } },
    // Not text: written by printf, the secret inside it too.
    { method: 'POST', path: '/runners/register', rawBody: Buffer.concat([Buffer.from([0xff, 0x00, 0x27, 0x25, 0x5c]), Buffer.from(handed.token), Buffer.from([0xc3])]) },
    // A body curl would read as a file name if it were given as is.
    { method: 'DELETE', path: `/projects/${handed.id}.json`, rawQuery: `private_token=${percentEncode(PRIVATE)}`, rawBody: '@/etc/passwd' },
    { method: 'GET', path: '/runners' },
  ];
}

const BASE = (server: RawServer) => `http://127.0.0.1:${server.port}/api/v1`;

function answer(n: number, handed: { id: number; token: string }): Buffer {
  const body = n === 0 ? JSON.stringify({ id: handed.id, token: handed.token, name: 'n' }) : '{}';
  return Buffer.from(`HTTP/1.1 ${n === 0 ? '201 Created' : '200 OK'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** A sequence as the run recorded it. */
function recorded(server: RawServer): Recorded[] {
  return requests(RUN).map((request, n) => {
    const wire = wireRequestOf(BASE(server), request);
    const raw = answer(n, RUN);
    const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1').split('\r\n');
    const status = Number(head[0].split(' ')[1]);
    return {
      request: wire,
      response: { httpVersion: '1.1', status, statusText: '', headers: [], body: raw.subarray(raw.indexOf('\r\n\r\n') + 4) },
      startedAt: n,
      durationMs: 1,
    };
  });
}

/** A request's bytes with the header lines sorted: curl writes the same headers in its own order. */
function comparable(bytes: Buffer): { line: string; headers: string[]; body: Buffer } {
  const end = bytes.indexOf('\r\n\r\n');
  const [line, ...headers] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  return { line, headers: headers.map((h) => h.replace(/^[^:]+/, (name) => name.toLowerCase())).sort(), body: bytes.subarray(end + 4) };
}

function bytesOf(request: WireRequest): Buffer {
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${request.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), request.body ?? Buffer.alloc(0)]);
}

const withCurl = CURL_AVAILABLE ? test : test.skip;
const noCurl = CURL_AVAILABLE ? '' : ' (SKIPPED: no curl binary on this machine)';

describe('curl reproductions', () => {
  let server: RawServer;
  beforeAll(async () => {
    server = await startRawServer((n) => answer(n % 6, REPLAY));
  });
  afterAll(() => server.close());

  test('name every secret by its variable and never hold its value, in any encoding', () => {
    const script = curlReproduction(recorded(server), { secrets: SECRETS });
    for (const secret of [PRIVATE, REGISTRATION, RUN.token]) {
      for (const form of [secret, percentEncode(secret), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) expect(script).not.toContain(form);
    }
    expect(script).toContain('"$GITLAB_CI_PRIVATE_TOKEN"');
    expect(script).toContain('GITLAB_CI_PROJECT_TOKEN=$(answer_field "$STEP_1" token)');
    expect(script).toContain('PROJECT_ID=$(answer_field "$STEP_1" id)');
    expect(script).toMatch(/^# Needs curl and node, and in the environment: GITLAB_CI_PRIVATE_TOKEN, GITLAB_CI_REGISTRATION_TOKEN\.$/m);
  });

  withCurl(`replay every request byte for byte, with the values the replay's own answers handed out${noCurl}`, async () => {
    const script = curlReproduction(recorded(server), { secrets: SECRETS });
    const before = server.requests.length;
    const outcome = await replay(script, ENV);
    expect({ code: outcome.code, stderr: outcome.stderr, statuses: outcome.statuses }).toEqual({ code: 0, stderr: '', statuses: [201, 200, 200, 200, 200, 200] });
    const expected = requests(REPLAY).map((r) => comparable(bytesOf(wireRequestOf(BASE(server), r))));
    const received = server.requests.slice(before).map(comparable);
    expect(received).toEqual(expected);
  });

  // A server's token the sequence did not see handed out is a variable the user sets.
  withCurl(`a single exchange is one command line, replayed byte for byte${noCurl}`, async () => {
    const [, second] = recorded(server);
    const line = curlReproduction([second], { secrets: SECRETS, serverTokens: [RUN.token] });
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^curl /);
    expect(line).toContain('$GITLAB_CI_TOKEN');
    expect(line).not.toContain(percentEncode(RUN.token));
    const before = server.requests.length;
    const outcome = await replay(line, { ...ENV, GITLAB_CI_TOKEN: RUN.token });
    expect(outcome.statuses).toHaveLength(1);
    expect(comparable(server.requests[before])).toEqual(comparable(bytesOf(second.request)));
  });
});
