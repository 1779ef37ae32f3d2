// A runner configured with a base URL ending in "/" (the Ruby runner's own setup prompt shows
// http://gitlab-ci.org/) concatenates it with "/api/v1/...": every request path starts with "//". Rails-based
// servers read repeated slashes as one; so does the reference server (issue 13). The whole life of such a
// runner, over real HTTP, with the request target sent exactly as the runner builds it.
import http from 'node:http';
import { startTestApi, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.stack.close();
});

interface Answer {
  status: number;
  type: string | undefined;
  body: any;
}

/** Sends a request with the target exactly as given (no URL normalisation on the way). */
function send(method: string, target: string, body: Record<string, string>, encoding: 'json' | 'form' = 'json'): Promise<Answer> {
  const { hostname, port } = new URL(api.stack.url);
  const text = encoding === 'json' ? JSON.stringify(body) : new URLSearchParams(body).toString();
  const type = encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path: target, headers: { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), Accept: 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: JSON.parse(data) }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** The request target of a runner configured with base URL "http://host:port/": base + "/api/v1" + path, i.e. "//api/v1/...". */
const runnerTarget = (path: string): string => new URL(`${api.stack.url}/` + `/api/v1${path}`).pathname;

test('a runner with a trailing-slash base URL registers, polls, updates its build, verifies itself and is deleted', async () => {
  const project = await api.createProject();
  const steps: string[] = [];
  const step = async (label: string, method: string, path: string, body: Record<string, string>, encoding?: 'json' | 'form'): Promise<Answer> => {
    const answer = await send(method, runnerTarget(path), body, encoding);
    expect(answer.type).toBe('application/json');
    steps.push(`${label}: ${answer.status}`);
    return answer;
  };

  const registered = await step('register', 'POST', '/runners/register.json', { token: project.token, description: 'trailing slash runner' });
  const token = registered.body.token as string;
  await step('poll, nothing to do', 'POST', '/builds/register.json', { token });
  await api.push(project);
  const build = await step('poll, a build', 'POST', '/builds/register.json', { token });
  await step('update (Ruby runner: form body)', 'PUT', `/builds/${build.body.id}.json`, { token, state: 'running', trace: 'step 1' }, 'form');
  await step('update (Go runner: JSON)', 'PUT', `/builds/${build.body.id}.json`, { token, state: 'success', trace: 'done' });
  await step('verify, alive', 'PUT', '/builds/-1', { token });
  await step('delete', 'DELETE', '/runners/delete', { token });
  await step('verify, removed', 'PUT', '/builds/-1', { token });

  expect(steps).toEqual([
    'register: 201',
    'poll, nothing to do: 404',
    'poll, a build: 201',
    'update (Ruby runner: form body): 200',
    'update (Go runner: JSON): 200',
    'verify, alive: 404',
    'delete: 200',
    'verify, removed: 403',
  ]);
  expect(build.body.project_id).toBe(project.id);
});

test('repeated slashes anywhere in the path count as one; the query is left as it is', async () => {
  const reg = await send('POST', `/api//v1///runners//register.json?x=a//b`, { token: api.stack.registrationToken });
  expect(reg.status).toBe(201);
  const unknown = await send('POST', '//api/v1//nope', {});
  expect(unknown).toMatchObject({ status: 404, body: { message: '404 Not Found' } });
});
