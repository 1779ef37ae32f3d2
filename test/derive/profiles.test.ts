// Cases under a profile (src/derive/cases.ts caseUnder, src/spec/expectations.ts): the statuses each case
// accepts and the title that states them, resolved from spec/rules.yaml for the active profile.
import { caseUnder, deriveSuites, type CaseSpec, type OperationCases } from '../../src/derive/cases';
import { knowledgeOf } from '../../src/scenarios/operations';
import { expectationOf, STRICT_PROFILE } from '../../src/spec/expectations';
import { loadDescription } from '../../src/spec/load';
import type { ApiDescription, Rule } from '../../src/spec/types';
import { DEPARTING_UNDER_8_0 } from '../spec/helpers';

const PROFILE = 'gitlab-ci-8.0';


let description: ApiDescription;
let rules: Map<string, Rule>;
let cases: Array<{ spec: CaseSpec; operation: OperationCases }>;
beforeAll(async () => {
  description = await loadDescription();
  rules = new Map(description.catalog.rules.map((r) => [r.id, r]));
  cases = deriveSuites(description, knowledgeOf).flatMap((s) => s.operations.flatMap((operation) => operation.cases.map((spec) => ({ spec, operation }))));
});

const find = (id: string) => {
  const found = cases.find((c) => c.spec.id === id);
  if (!found) throw new Error(`no case ${id}`);
  return found;
};
const under = (profile: string, id: string) => {
  const { spec, operation } = find(id);
  return caseUnder(profile, rules, spec, operation);
};

describe('a case under a profile', () => {
  test('states the expectation of the active profile in its title', () => {
    expect(under(STRICT_PROFILE, 'listProjects:AUTH-USER-MISSING-401').spec).toMatchObject({ title: 'GET /projects without a user token should yield 401', expect: [401] });
    expect(under(PROFILE, 'listProjects:AUTH-USER-MISSING-401').spec).toMatchObject({ title: 'GET /projects without a user token should yield 403 under gitlab-ci-8.0', expect: [403] });
    expect(under(PROFILE, 'updateProject:AUTH-USER-FORBIDDEN-403').spec.title).toBe('PUT /projects/{id} by a user who can see but not manage the project should yield 401 under gitlab-ci-8.0');
    for (const { spec, operation } of cases) {
      for (const profile of [STRICT_PROFILE, PROFILE]) expect(caseUnder(profile, rules, spec, operation).spec.title).not.toContain('{expected}');
    }
  });

  // Per operation where the original server differed by operation, per case variant where it differed by
  // case; `succeeds` expects the operation's success status.
  test.each<[string, number]>([
    ['deleteProject:DELETE-IDEMPOTENT-REPEAT', 404],
    ['unlinkRunner:DELETE-IDEMPOTENT-REPEAT', 404],
    ['deleteRunner:DELETE-IDEMPOTENT-REPEAT', 403],
    ['createProject:AUTH-USER-FORBIDDEN-403', 403],
    ['updateProject:AUTH-USER-FORBIDDEN-403', 401],
    ['updateBuild:AUTH-BEFORE-EXISTENCE', 403],
    ['getProject:AUTH-BEFORE-EXISTENCE', 403],
    ['createProject:CONFLICT-409:gitlab_id', 400],
    ['createProject:CONFLICT-409:name', 201],
    ['updateProject:CONFLICT-409:name', 200],
    ['updateBuild:UNPROCESSABLE-422:state', 200],
    ['listCommits:AUTH-PROJECT-OTHER-PROJECT-403:unknown-project', 404],
    ['listCommits:AUTH-PROJECT-OTHER-PROJECT-403', 403],
    ['getProject:AUTH-USER-UNTRUSTED-URL-401:missing', 200],
  ])(`%s under ${PROFILE} expects %d`, (id, status) => {
    expect(under(PROFILE, id).spec.expect).toEqual([status]);
  });

  test('a check of the answer to a status runs only where its request still provokes that status under the profile', () => {
    expect(under(PROFILE, 'listProjects:RESPONSE-SCHEMA:401').skip).toMatch(/under gitlab-ci-8.0, the request that provokes 401 is answered 403 \(AUTH-USER-INVALID-401: /);
    expect(under(PROFILE, 'createProject:JSON-RESPONSE:409').skip).toMatch(/the request that provokes 409 is answered 201 \(CONFLICT-409: project names were not unique/);
    expect(under(PROFILE, 'createProject:RESPONSE-SCHEMA:403')).toEqual({ spec: expect.objectContaining({ expect: [403] }) });
    expect(under(STRICT_PROFILE, 'listProjects:RESPONSE-SCHEMA:401')).toEqual({ spec: expect.objectContaining({ expect: [401] }) });
  });

  test('a skip in the data skips the case with its note', () => {
    const rule = { ...rules.get('AUTH-USER-MISSING-401')!, profiles: { [PROFILE]: { skip: true, note: 'not recorded' } } };
    const key = { rule: rule.id, operationId: 'listProjects', variant: '', strict: [401], success: 200 };
    expect(expectationOf(key, PROFILE, new Map([[rule.id, rule]]))).toEqual({ skip: 'not judged under gitlab-ci-8.0: not recorded' });
  });
});

describe('the profile data against the derived cases', () => {
  test('every case variant a profile names is a variant of the rule\'s cases', () => {
    const named = description.catalog.rules.flatMap((r) => Object.values(r.profiles ?? {}).flatMap((entry) => Object.keys(entry.variants ?? {}).map((v) => `${r.id}:${v}`)));
    expect(named.length).toBeGreaterThan(0);
    const variants = new Set(cases.map((c) => `${c.spec.rule}:${c.spec.variant}`));
    expect(named.filter((v) => !variants.has(v))).toEqual([]);
  });

  test(`the rules with a case whose ${PROFILE} expectation departs from strict`, () => {
    const departing = new Set<string>();
    for (const { spec, operation } of cases) {
      const resolved = caseUnder(PROFILE, rules, spec, operation);
      if (!resolved.skip && resolved.spec.expect.join() !== spec.expect.join()) departing.add(spec.rule);
    }
    expect([...departing].sort()).toEqual(DEPARTING_UNDER_8_0);
  });
});
