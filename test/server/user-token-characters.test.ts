// AUTH-USER-INVALID-401, NO-SERVER-ERROR: a user token that cannot travel in a header to GitLab (a control
// character, a character outside Latin-1 or outside the BMP, blanks around it) is no token GitLab issued:
// every user-token operation answers 401, never 503 "GitLab is unreachable" (issue 12), over real HTTP.
import http from 'node:http';
import { startTestApi, type TestApi } from './helpers';

let api: TestApi;
let ids: Record<string, number>;
beforeAll(async () => {
  api = await startTestApi();
  const project = await api.createProject();
  ids = { id: project.id, runner_id: (await api.registerRunner(project.token)).id };
});
afterAll(async () => {
  await api.stack.close();
});

const HOSTILE_TOKENS: Array<[string, string]> = [
  ['a control character (CR)', 'a\rb'],
  ['a NUL', 'a\u0000b'],
  ['a character outside Latin-1 (U+0100)', '\u0100'],
  ['a character outside Latin-1 (euro sign)', '\u20ac'],
  ['a character outside the BMP (emoji)', '\u{1F600}'],
  ['blanks around a valid token', ' maintainer-private-token '],
];

/** The operations whose x-auth takes the GitLab user token, with a concrete path. */
function userTokenOperations(): Array<[string, string, string]> {
  return api.description.operations
    .filter((op) => op.auth.some((a) => a.method === 'user'))
    .map((op) => [op.operationId, op.method, op.path.replace(/\{(\w+)\}/g, (_m, k: string) => String(ids[k]))]);
}

test('the user-token operations are the ten of the description', () => {
  expect(userTokenOperations().map(([id]) => id).sort()).toEqual(
    ['createFork', 'createProject', 'deleteProject', 'getProject', 'linkRunner', 'listOwnedProjects', 'listProjects', 'listRunners', 'unlinkRunner', 'updateProject'].sort(),
  );
});

describe.each(HOSTILE_TOKENS)('AUTH-USER-INVALID-401: a private_token with %s', (_label, token) => {
  test('answers 401 on every user-token operation', async () => {
    const answers: string[] = [];
    for (const [operationId, method, path] of userTokenOperations()) {
      const res = await api.call(method, path, { query: { url: api.stack.gitlabUrl, private_token: token }, body: method === 'GET' ? undefined : {} });
      answers.push(`${operationId} ${res.status} ${res.body.message}`);
    }
    expect(answers).toEqual(userTokenOperations().map(([operationId]) => `${operationId} 401 401 Unauthorized`));
  });
});

test('AUTH-USER-INVALID-401: a PRIVATE-TOKEN header with Latin-1 letters (not ASCII) answers 401', async () => {
  const url = new URL(`${api.stack.url}/api/v1/projects?url=${encodeURIComponent(api.stack.gitlabUrl)}`);
  const status = await new Promise<number | undefined>((resolve, reject) => {
    // node:http sends header values as Latin-1 bytes; fetch refuses them.
    const req = http.request(url, { headers: { 'PRIVATE-TOKEN': 'maintainer-pr\u00efvate-token' } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
  expect(status).toBe(401);
});

test('AUTH-USER-QUERY: the plain token still authenticates after these', async () => {
  expect((await api.call('GET', '/projects', { as: 'maintainer' })).status).toBe(200);
});
