// Units of the reference server: the form/query parser, the CI configuration, the store.
import { parseBody, parseUrlEncoded, Unreadable } from '../../src/server/http/body';
import { CiStore, jobsFromCiYaml, DomainError } from '../../src/server/domain';

describe('parseUrlEncoded', () => {
  test('bracketed keys become nested objects and arrays', () => {
    expect(
      parseUrlEncoded('project_id=1&data[ref]=refs%2Fheads%2Fmaster&data[commits][0][id]=a&data[commits][0][author][name]=A+B&data[commits][1][id]=b&tags[]=x&tags[]=y'),
    ).toEqual({
      project_id: '1',
      data: { ref: 'refs/heads/master', commits: [{ id: 'a', author: { name: 'A B' } }, { id: 'b' }] },
      tags: ['x', 'y'],
    });
  });

  test('hostile keys and values do not throw or pollute prototypes', () => {
    const out = parseUrlEncoded('__proto__[x]=1&a[constructor][prototype][y]=2&b[99999999]=3&c=%E0%A4%A&d[=1&e]]=2&&=');
    expect(({} as any).x).toBeUndefined();
    expect(({} as any).y).toBeUndefined();
    expect(out.b).toEqual({ 99999999: '3' });
    // Bytes that are not UTF-8 are no text: every reader of the value refuses it (400), nothing is guessed.
    expect(out.c).toEqual(new Unreadable('%E0%A4%A'));
  });

  test('values whose percent-encoding is not UTF-8 are unreadable, well-encoded ones are text', () => {
    const out = parseUrlEncoded('a=%FF&b=x%C3%28&c=%ED%A0%80&d=x%&e=%C3%A9%F0%9F%98%80%00');
    for (const name of ['a', 'b', 'c', 'd']) expect(out[name]).toBeInstanceOf(Unreadable);
    expect(out.e).toBe('é😀\u0000');
  });

  test('parseBody: a body that is not UTF-8 is refused, not repaired', () => {
    expect(parseBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 'application/json').error).toBe('the body is not UTF-8');
    expect(parseBody(Buffer.from([0x61, 0x3d, 0xc3, 0x28]), 'application/x-www-form-urlencoded').error).toBe('the body is not UTF-8');
  });

  test('parseBody: JSON, form, empty, malformed', () => {
    expect(parseBody(Buffer.from('{"a":1}'), 'application/json; charset=utf-8')).toEqual({ params: { a: 1 } });
    expect(parseBody(Buffer.from('a=1'), 'application/x-www-form-urlencoded')).toEqual({ params: { a: '1' } });
    expect(parseBody(Buffer.from(''), 'application/json')).toEqual({ params: {} });
    expect(parseBody(Buffer.from('{'), 'application/json').error).toBeDefined();
    expect(parseBody(Buffer.from('{"__proto__":{"z":1}}'), 'application/json').params).toEqual({});
  });
});

describe('jobsFromCiYaml', () => {
  const yaml = [
    'image: ruby:2.1',
    'before_script: [bundle install]',
    'variables: {DB: pg}',
    'types: [test, deploy]',
    '.hidden: {script: x}',
    'spec: {script: rake spec, tags: [ruby], variables: {DB: mysql}}',
    'deploy: {type: deploy, script: [cap a, cap b], only: [master, /^release-.*$/], allow_failure: true}',
    'no_tags: {script: make, except: [tags]}',
    'not_a_job: {foo: 1}',
  ].join('\n');

  test('jobs: maps with a script, reserved keys and hidden keys excluded, only/except applied', () => {
    const jobs = jobsFromCiYaml(yaml, 'master', false);
    expect(jobs.map((j) => j.name)).toEqual(['spec', 'deploy', 'no_tags']);
    expect(jobs[0]).toMatchObject({
      commands: ['bundle install', 'rake spec'],
      tags: ['ruby'],
      stage: 'test',
      options: { image: 'ruby:2.1' },
      variables: [{ key: 'DB', value: 'mysql', public: true }],
    });
    expect(jobs[1]).toMatchObject({ stage: 'deploy', allowFailure: true, commands: ['bundle install', 'cap a', 'cap b'] });
    expect(jobsFromCiYaml(yaml, 'release-1', true).map((j) => j.name)).toEqual(['spec', 'deploy']);
    expect(jobsFromCiYaml(yaml, 'feature', false).map((j) => j.name)).toEqual(['spec', 'no_tags']);
  });

  test('invalid YAML or a YAML that is not a map is an invalid attribute', () => {
    expect(() => jobsFromCiYaml('a: [', 'master', false)).toThrow(DomainError);
    expect(() => jobsFromCiYaml('- a', 'master', false)).toThrow(/map/);
    expect(jobsFromCiYaml('', 'master', false)).toEqual([]);
  });
});

describe('CiStore', () => {
  const store = () => new CiStore({ registrationToken: 'reg' });

  test('tokens are unique per kind; runner tombstones keep a deleted token refused', () => {
    const s = store();
    const p = s.createProject({ name: 'a', gitlabId: 1, path: 'a/a', sshUrlToRepo: 'x' });
    const shared = s.registerRunner('reg');
    const specific = s.registerRunner(p.token);
    expect(shared.isShared).toBe(true);
    expect([...specific.projectIds]).toEqual([p.id]);
    expect(() => s.registerRunner(shared.token)).toThrow(DomainError);
    expect(s.deleteRunner(shared.token).repeated).toBe(false);
    expect(s.deleteRunner(shared.token).repeated).toBe(true);
    expect(() => s.authenticateRunner(shared.token)).toThrow(DomainError);
    expect(() => s.deleteRunner('never')).toThrow(DomainError);
  });

  test('commit state follows its builds', () => {
    const s = store();
    const p = s.createProject({ name: 'a', gitlabId: 1, path: 'a/a', sshUrlToRepo: 'x' });
    const runner = s.registerRunner(p.token);
    const { commit } = s.createCommit(p, {
      before: 'b', sha: 's', ref: 'refs/heads/master', commits: [], ciYamlFile: 'a: {script: x}\nb: {script: y, allow_failure: true}\n',
    });
    expect(s.commitState(commit).status).toBe('pending');
    const a = s.requestBuild(runner)!;
    expect(s.commitState(commit).status).toBe('running');
    const b = s.requestBuild(runner)!;
    s.updateBuild(runner, a.id, { state: 'success' });
    s.updateBuild(runner, b.id, { state: 'failed' });
    const state = s.commitState(commit);
    expect(state.status).toBe('success');
    expect(state.finishedAt).not.toBeNull();
    expect(state.duration).toBeGreaterThanOrEqual(0);
    expect(s.requestBuild(runner)).toBeUndefined();
  });

  test('deleting a project removes its pending builds and links', () => {
    const s = store();
    const p = s.createProject({ name: 'a', gitlabId: 1, path: 'a/a', sshUrlToRepo: 'x' });
    const runner = s.registerRunner('reg');
    s.linkRunner(p.id, runner.id);
    s.createCommit(p, { before: 'b', sha: 's', ref: 'master', commits: [] });
    s.deleteProject(p.id);
    expect(s.requestBuild(runner)).toBeUndefined();
    expect(runner.projectIds.size).toBe(0);
    expect(s.deleteProject(p.id)).toBeUndefined();
  });
});
