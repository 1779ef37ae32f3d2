// Which exchanges a check's evidence (and its replay) shows: its own up to the deciding one, and the
// earlier ones of other checks it depends on: the creation that handed out a token, id, name or GitLab
// project id its requests use, and for a token or id, the removal of that resource in between.
import { wireRequestOf } from '../../src/http/wire';
import type { ApiRequest } from '../../src/http/types';
import { sequenceOf, type Recorded } from '../../src/report/evidence';

const BASE = 'http://127.0.0.1:1/api/v1';
let clock = 0;

function exchange(request: ApiRequest, status: number, answer: unknown = {}): Recorded {
  clock += 1;
  return {
    request: wireRequestOf(BASE, request),
    response: { httpVersion: '1.1', status, statusText: '', headers: [], body: Buffer.from(JSON.stringify(answer)) },
    startedAt: clock,
    durationMs: 0.5,
  };
}

const auth = { query: { private_token: 'user-token', url: 'http://gitlab.example' } };
const createProject = (gitlabId: number, name: string, id: number, token: string) =>
  exchange({ method: 'POST', path: '/projects', ...auth, body: { name, gitlab_id: gitlabId } }, 201, { id, token, name, gitlab_id: gitlabId });
const registerRunner = (projectToken: string, id: number, token: string) =>
  exchange({ method: 'POST', path: '/runners/register', body: { token: projectToken } }, 201, { id, token });
const deleteRunner = (token: string) => exchange({ method: 'DELETE', path: '/runners/delete', body: { token } }, 200, { id: 0, token });
const deleteProject = (id: number) => exchange({ method: 'DELETE', path: `/projects/${id}`, ...auth }, 200);

test('a deleted runner\'s token: the project it was registered with, its registration and its deletion come first', () => {
  const project = createProject(1001, 'p1', 1, 'project-token-1');
  const unrelated = createProject(1002, 'p2', 2, 'project-token-2');
  const runner = registerRunner('project-token-1', 3, 'runner-token-3');
  const deletion = deleteRunner('runner-token-3');
  const own = exchange({ method: 'GET', path: '/runners', ...auth }, 200, []);
  const deciding = exchange({ method: 'PUT', path: '/builds/-1', body: { token: 'runner-token-3' } }, 404);
  const later = exchange({ method: 'GET', path: '/projects', ...auth }, 200, []);
  expect(sequenceOf([own, deciding, later], deciding, [project, unrelated, runner, deletion])).toEqual([project, runner, deletion, own, deciding]);
});

test('an id in the path or a <kind>_id parameter ties a request to the creation that handed it out', () => {
  const project = createProject(1001, 'p1', 41, 'project-token-41');
  const other = createProject(1002, 'p2', 42, 'project-token-42');
  const byPath = exchange({ method: 'PUT', path: '/projects/41.json', ...auth, body: { name: 'x' } }, 500);
  const byParameter = exchange({ method: 'GET', path: '/commits', query: { project_id: 42, per_page: 41 } }, 500);
  expect(sequenceOf([byPath], byPath, [project, other])).toEqual([project, byPath]);
  expect(sequenceOf([byParameter], byParameter, [project, other])).toEqual([other, byParameter]);
});

test('a GitLab project id or a name ties a request to the project that still holds it, never to one removed since', () => {
  const earlier = createProject(1003, 'first', 5, 'project-token-5');
  const removed = deleteProject(5);
  const holder = createProject(1003, 'second', 6, 'project-token-6');
  const conflict = exchange({ method: 'POST', path: '/projects', ...auth, body: { name: 'second', gitlab_id: 1004 } }, 201, { id: 7 });
  expect(sequenceOf([conflict], conflict, [earlier, removed, holder])).toEqual([holder, conflict]);
  const ownCreation = exchange({ method: 'POST', path: '/projects', ...auth, body: { name: 'third', gitlab_id: 1003 } }, 409);
  const freed = deleteProject(6);
  const reuse = exchange({ method: 'POST', path: '/projects', ...auth, body: { name: 'fourth', gitlab_id: 1003 } }, 500);
  expect(sequenceOf([reuse], reuse, [earlier, removed, holder, ownCreation, freed])).toEqual([reuse]);
});

test('a token repeated by a later answer belongs to the resource that first handed it out', () => {
  const project = createProject(1001, 'p', 8, 'project-token-8');
  const repeats = exchange({ method: 'POST', path: '/forks', ...auth, body: { project_id: 8 } }, 201, { id: 9, token: 'project-token-8' });
  const deciding = exchange({ method: 'POST', path: '/commits', body: { project_token: 'project-token-8' } }, 500);
  expect(sequenceOf([deciding], deciding, [project, repeats])).toEqual([project, deciding]);
});

test('the deciding exchange\'s own set-up is kept, and nothing sent after it', () => {
  const setUp = createProject(1001, 'p', 10, 'project-token-10');
  const deciding = exchange({ method: 'DELETE', path: '/projects/10', ...auth }, 500);
  const after = exchange({ method: 'GET', path: '/projects/10', ...auth }, 200);
  expect(sequenceOf([setUp, deciding, after], deciding, [setUp])).toEqual([setUp, deciding]);
});
