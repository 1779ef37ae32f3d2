// On the wire: .json suffix, Content-Type of every response, 404 for unknown paths, 405 for undocumented
// methods on documented paths (regardless of credentials), malformed requests.
import http from 'node:http';
import net from 'node:net';
import { HTTP_METHODS } from '../../src/spec/types';
import { startTestApi, type TestApi } from './helpers';

let api: TestApi;
let ids: { id: number; runner_id: number };
beforeAll(async () => {
  api = await startTestApi();
  const p = await api.createProject();
  ids = { id: p.id, runner_id: (await api.registerRunner(p.token)).id };
});
afterAll(async () => {
  await api.stack.close();
});

const concrete = (template: string): string => template.replace(/\{(\w+)\}/g, (_m, k: 'id' | 'runner_id') => String(ids[k]));

describe('405 Method Not Allowed', () => {
  test('every undocumented method on every documented path, with and without credentials and .json', async () => {
    const cases: string[] = [];
    for (const [template, methods] of Object.entries(api.description.methodsByPath)) {
      for (const method of HTTP_METHODS.filter((m) => !methods.includes(m))) {
        for (const suffix of ['', '.json']) {
          const path = `${concrete(template)}${suffix}`;
          for (const as of ['maintainer', undefined] as const) {
            const res = await api.call(method, path, { as, body: method === 'GET' ? undefined : { token: 'x' } });
            expect({ method, path, status: res.status }).toEqual({ method, path, status: 405 });
            expect(res.body).toEqual({ message: '405 Method Not Allowed' });
            expect(res.headers.get('allow')).toBeTruthy();
          }
          cases.push(`${method} ${path}`);
        }
      }
    }
    expect(cases.length).toBeGreaterThan(40);
  });
});

describe('unknown paths', () => {
  test.each(['/nope', '/projects/abc', '/projects/1/runners', '/builds', '/projects/1/runners/2/3', '/', ''])('JSON 404 for %p', async (path) => {
    const res = await api.call('GET', path, { as: 'maintainer', unchecked: true });
    expect(res.status).toBe(404);
  });

  test('JSON 404 outside /api/v1', async () => {
    const res = await fetch(`${api.stack.url}/other`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ message: '404 Not Found' });
  });
});

describe('the .json suffix', () => {
  test('answers like the plain path', async () => {
    const plain = await api.call('GET', `/projects/${ids.id}`, { as: 'maintainer' });
    const suffixed = await api.call('GET', `/projects/${ids.id}.json`, { as: 'maintainer' });
    expect(suffixed.status).toBe(plain.status);
    expect(suffixed.body).toEqual(plain.body);
    expect((await api.call('GET', '/projects/owned.json', { as: 'maintainer' })).status).toBe(200);
  });
});

describe('request bodies', () => {
  test('a JSON body that is not an object is malformed: 400', async () => {
    for (const raw of ['[1,2]', '"token"', 'null', '12']) {
      const res = await api.call('POST', '/runners/register', { raw, contentType: 'application/json' });
      expect(res.status).toBe(400);
    }
  });

  test('a JSON body without Content-Type and a form body with a charset are read', async () => {
    const reg = await api.call('POST', '/runners/register', { raw: JSON.stringify({ token: api.stack.registrationToken }) });
    expect(reg.status).toBe(201);
    const form = await api.call('POST', '/runners/register', {
      raw: `token=${encodeURIComponent(api.stack.registrationToken)}`,
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    });
    expect(form.status).toBe(201);
  });

  test('a body on operations without one is ignored, even malformed', async () => {
    const res = await api.call('GET', `/projects/${ids.id}`, { as: 'maintainer' });
    const del = await api.call('DELETE', '/projects/987654', { as: 'maintainer', raw: '{oops', contentType: 'application/json' });
    expect(res.status).toBe(200);
    expect(del.status).toBe(200);
  });

  test('an unknown content type with a body: 400', async () => {
    const res = await api.call('POST', '/builds/register', { raw: '<token/>', contentType: 'application/xml' });
    expect(res.status).toBe(400);
  });
});

describe('malformed HTTP', () => {
  test('a broken request line answers a JSON 400', async () => {
    const url = new URL(api.stack.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => socket.write('BROKEN\r\n\r\n'));
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(reply).toContain('Content-Type: application/json');
  });

  test('a body larger than the limit: 413, JSON', async () => {
    const url = new URL(`${api.stack.url}/api/v1/runners/register`);
    const status = await new Promise<{ status?: number; type?: string }>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode, type: res.headers['content-type'] });
      });
      req.on('error', (e) => (String(e).includes('EPIPE') || String(e).includes('ECONNRESET') ? resolve({}) : reject(e)));
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      for (let i = 0; i < 17; i++) req.write(chunk);
      req.end();
    });
    if (status.status !== undefined) {
      expect(status.status).toBe(413);
      expect(status.type).toBe('application/json');
    }
  });
});
