// src/spec/response-validator.ts: matching concrete requests to operations, validating responses.
import { createResponseValidator, matchOperation } from '../../src/spec/response-validator';
import { describedApi } from './helpers';

test('matchOperation: prefixes, .json, query strings, literals before parameters', async () => {
  const { description } = await describedApi();
  const id = (m: string, p: string) => matchOperation(description, m, p)?.operationId;
  expect(id('POST', '/projects/12/runners/3.json')).toBe('linkRunner');
  expect(id('delete', '/api/v1/projects/12/runners/3')).toBe('unlinkRunner');
  expect(id('GET', '/api/v1/projects/owned.json?private_token=x')).toBe('listOwnedProjects');
  expect(id('GET', '/projects/12')).toBe('getProject');
  expect(id('PUT', '/builds/-1')).toBe('updateBuild');
  expect(id('POST', '/builds/register.json')).toBe('requestBuild');
  expect(id('GET', 'http://ci.example.com/api/v1/commits?project_id=1')).toBe('listCommits');
  expect(id('PATCH', '/projects')).toBeUndefined();
  expect(id('GET', '/nope')).toBeUndefined();
});

test('createResponseValidator: valid and invalid bodies, undocumented statuses, by operationId or label', async () => {
  const { description } = await describedApi();
  const validate = createResponseValidator(description);
  const project = {
    id: 1, name: 'p', timeout: 3600, token: 't', default_ref: 'master', gitlab_url: null, path: 'a/b',
    always_build: false, polling_interval: null, public: false, ssh_url_to_repo: 'git@x:a/b.git', gitlab_id: 3,
  };
  expect(validate('getProject', 200, project)).toEqual([]);
  expect(validate('GET /projects/{id}', '200', { ...project, extra: 1 })).toEqual([]);
  expect(validate('getProject', 200, { ...project, id: 'one' }).join()).toContain('/id');
  expect(validate('getProject', 200, { id: 1 }).length).toBeGreaterThan(0);
  expect(validate('getProject', 404, { message: '404 Not Found' })).toEqual([]);
  expect(validate('getProject', 404, {}).join()).toContain('message');
  expect(validate('getProject', 409, { message: 'x' }).join()).toContain('not documented');
  expect(validate('nope', 200, {}).join()).toContain('unknown operation');
  expect(validate('deleteProject', 200, { message: 'nothing there' })).toEqual([]);
  const op = matchOperation(description, 'PUT', '/builds/1.json')!;
  expect(validate(op, 200, { message: 'x' }).length).toBeGreaterThan(0);
  expect(validate('updateBuild', 200, undefined).join()).toContain('expected a JSON body');
});
