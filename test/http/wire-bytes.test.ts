// The bytes on the wire are the bytes a check intends, and the bytes recorded as evidence: a plain
// node:net server (no HTTP library between it and the socket) captures every request the client writes,
// for every body kind the scenarios use, and answers with raw bytes the client must record as they came.
import zlib from 'node:zlib';
import { HttpClient, TransportError } from '../../src/http/client';
import type { ApiRequest } from '../../src/http/types';
import { requestBytes } from '../../src/http/wire';
import { TOOL } from '../../src/tool';
import { startRawServer, type RawServer } from './raw-server';

const OK = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
const FORM = 'application/x-www-form-urlencoded';

/** Every body kind the scenarios send: the request, and the body and Content-Type it must put on the wire (undefined: none). */
const BODY_KINDS: Array<[string, ApiRequest, Buffer | undefined, string | undefined]> = [
  ['JSON', { method: 'POST', path: '/projects', body: { name: 'a', gitlab_id: 1001, nested: { list: [1, null] } } }, Buffer.from('{"name":"a","gitlab_id":1001,"nested":{"list":[1,null]}}'), 'application/json'],
  ['form with nested brackets', { method: 'PUT', path: '/builds/1.json', encoding: 'form', body: { token: 'a b&c', state: 'success', data: { commits: [{ id: 'x' }] } } }, Buffer.from('token=a%20b%26c&state=success&data%5Bcommits%5D%5B0%5D%5Bid%5D=x'), FORM],
  ['malformed JSON (unterminated)', { method: 'POST', path: '/runners/register', rawBody: '{"token": "unterminated' }, Buffer.from('{"token": "unterminated'), 'application/json'],
  ['malformed JSON ({)', { method: 'DELETE', path: '/runners/delete', rawBody: '{' }, Buffer.from('{'), 'application/json'],
  ['a JSON string literal', { method: 'POST', path: '/commits', body: 'a string where an object belongs' }, Buffer.from('"a string where an object belongs"'), 'application/json'],
  ['a truncated form body', { method: 'PUT', path: '/builds/1', encoding: 'form', rawBody: 'token=abc&state=succ' }, Buffer.from('token=abc&state=succ'), FORM],
  ['non-ASCII text', { method: 'POST', path: '/projects', body: { name: 'Grüße ✓ 日本 😀' } }, Buffer.from('{"name":"Grüße ✓ 日本 😀"}', 'utf8'), 'application/json'],
  ['bytes that are not UTF-8', { method: 'POST', path: '/projects', rawBody: Uint8Array.from([0x7b, 0xff, 0xfe, 0x00, 0xc3]) }, Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0xc3]), 'application/json'],
  ['an empty body with a Content-Type', { method: 'PUT', path: '/projects/1', rawBody: '', contentType: 'application/json' }, Buffer.alloc(0), 'application/json'],
  ['a body without Content-Type', { method: 'POST', path: '/projects', rawBody: 'x=1', contentType: '' }, Buffer.from('x=1'), undefined],
  ['no body at all (POST)', { method: 'POST', path: '/builds/register' }, undefined, undefined],
  ['no body at all (GET)', { method: 'GET', path: '/projects', query: { private_token: 't', url: 'http://g:1/' } }, undefined, undefined],
  ['no body at all (DELETE)', { method: 'DELETE', path: '/projects/1' }, undefined, undefined],
];

describe('requests: the bytes received are the bytes recorded and the bytes intended', () => {
  let server: RawServer;
  let client: HttpClient;
  beforeAll(async () => {
    server = await startRawServer(OK);
    client = new HttpClient({ baseUrl: `http://127.0.0.1:${server.port}/api/v1`, timeoutMs: 10_000, concurrency: 1 });
  });
  afterAll(() => server.close());

  test.each(BODY_KINDS)('%s', async (_kind, request, body, contentType) => {
    const before = server.requests.length;
    const response = await client.send(request);
    const received = server.requests[before];
    expect(server.requests.length).toBe(before + 1);
    // Recorded = received, byte for byte.
    expect(requestBytes(response.wire.request).equals(received)).toBe(true);
    // Intended: the body bytes, and exactly the headers the client decides.
    const head = received.subarray(0, received.indexOf('\r\n\r\n') + 4).toString('latin1');
    expect(received.subarray(head.length).equals(body ?? Buffer.alloc(0))).toBe(true);
    const lines = head.split('\r\n').slice(1, -2);
    expect(lines).toEqual([
      `Host: 127.0.0.1:${server.port}`,
      `User-Agent: ${TOOL.name}/${TOOL.version}`,
      'Accept: application/json',
      ...(contentType ? [`Content-Type: ${contentType}`] : []),
      ...(body ? [`Content-Length: ${body.length}`] : []),
      'Connection: keep-alive',
    ]);
    expect(response.wire.request.body === undefined).toBe(body === undefined);
  });

  test('the query: encoded by the one encoder (RFC 3986 unreserved kept, %20 for a space), raw text verbatim first', async () => {
    const before = server.requests.length;
    await client.send({ method: 'GET', path: '/commits', rawQuery: 'q=%ff%fe&bare', query: { a: "b c!'()*~", empty: '', skipped: undefined, n: 5 } });
    expect(server.requests[before].toString('latin1').split('\r\n')[0]).toBe("GET /api/v1/commits?q=%ff%fe&bare&a=b%20c%21%27%28%29%2A~&empty=&n=5 HTTP/1.1");
  });

  test('a header of the request replaces the client\'s own in place; framing headers cannot be set', async () => {
    const before = server.requests.length;
    await client.send({ method: 'POST', path: '/x', headers: { accept: '*/*', 'PRIVATE-TOKEN': 'p', 'Content-Length': '999', Connection: 'close' }, rawBody: 'ab' });
    const lines = server.requests[before].toString('latin1').split('\r\n');
    expect(lines.slice(1, 8)).toEqual([`Host: 127.0.0.1:${server.port}`, `User-Agent: ${TOOL.name}/${TOOL.version}`, 'accept: */*', 'Content-Type: application/json', 'PRIVATE-TOKEN: p', 'Content-Length: 2', 'Connection: keep-alive']);
  });

  test('every request went over one kept-alive connection', () => {
    expect(server.requests.length).toBeGreaterThan(BODY_KINDS.length);
    expect(server.connections).toBe(1);
  });
});

describe('responses: recorded as received', () => {
  test('status line, every header in order and case (repeated ones too), body bytes never decompressed, chunked framing removed', async () => {
    const gzipped = zlib.gzipSync('{"id":1}');
    const chunked = Buffer.concat([
      Buffer.from('HTTP/1.1 201 Created Indeed\r\nContent-Type: application/json\r\nX-Mixed-CASE: a\r\nSet-Cookie: one=1\r\nSet-Cookie: two=2\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n'),
      Buffer.from(`${(5).toString(16)}\r\n`), gzipped.subarray(0, 5), Buffer.from('\r\n'),
      Buffer.from(`${(gzipped.length - 5).toString(16)}\r\n`), gzipped.subarray(5), Buffer.from('\r\n0\r\n\r\n'),
    ]);
    const server = await startRawServer(chunked);
    try {
      const client = new HttpClient({ baseUrl: `http://127.0.0.1:${server.port}/api/v1`, timeoutMs: 10_000, concurrency: 1 });
      const response = await client.send({ method: 'GET', path: '/x' });
      expect(response.wire.response).toEqual({
        httpVersion: '1.1',
        status: 201,
        statusText: 'Created Indeed',
        headers: [['Content-Type', 'application/json'], ['X-Mixed-CASE', 'a'], ['Set-Cookie', 'one=1'], ['Set-Cookie', 'two=2'], ['Content-Encoding', 'gzip'], ['Transfer-Encoding', 'chunked']],
        body: gzipped,
      });
      expect(response.headers['set-cookie']).toBe('one=1, two=2');
      expect(response.notJson).toBe(true);
    } finally {
      await server.close();
    }
  });

  test('a request that gets no answer fails with the cause and carries what was sent, byte for byte', async () => {
    const server = await startRawServer(undefined);
    try {
      const client = new HttpClient({ baseUrl: `http://127.0.0.1:${server.port}/api/v1`, timeoutMs: 300, concurrency: 1 });
      const failure = await client.send({ method: 'POST', path: '/runners/register', rawBody: '{"token": "unterminated' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TransportError);
      const { code, sent } = failure as TransportError;
      expect(code).toBe('TIMEOUT');
      expect(requestBytes(sent!.request).equals(server.requests[0])).toBe(true);
    } finally {
      await server.close();
    }
  });
});
