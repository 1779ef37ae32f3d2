// The reference server's declarations agree with spec/: one route per operation of the description, taking
// the credentials its x-auth names; and every status decision (src/server/http/errors.ts) names rules of the
// catalog whose strict expectation is that status, and that no profile pulls apart on an operation (so that
// the server's behaviour, src/server/http/behaviour.ts, can answer a decision as a profile says).
import { behaviourOf } from '../../src/server/http/behaviour';
import { DECISIONS } from '../../src/server/http/errors';
import { profileNames } from '../../src/spec/expectations';
import { readCatalog, readOperationRules } from '../../src/spec/files';
import { ROUTES } from '../../src/server/http/routes';
import type { Route } from '../../src/server/http/route';
import type { AuthMethod, RuleCatalog } from '../../src/spec/types';
import { describedApi } from './helpers';

/** The x-auth methods a route's declared credentials stand for. */
function authMethods(route: Route): AuthMethod[] {
  const ci: Record<NonNullable<Route['auth']['ci']>, AuthMethod[]> = {
    project: ['project'],
    'project-of-gitlab-id': ['project'],
    registration: ['registration', 'project'], // the registration token, or a project token (a specific runner)
    runner: ['runner'],
    'runner-or-deleted': ['runner'],
  };
  return [...(route.auth.user ? (['user'] as const) : []), ...(route.auth.ci ? ci[route.auth.ci] : [])].sort();
}

describe('the routes of the reference server', () => {
  test('one route per operation of the description, same method and path, taking the credentials of its x-auth', async () => {
    const { description } = await describedApi();
    const declared = ROUTES.map((r) => ({ operationId: r.operationId, method: r.method, path: r.template, auth: authMethods(r) }));
    const described = description.operations.map((op) => ({
      operationId: op.operationId,
      method: op.method,
      path: op.path,
      auth: op.auth.map((a) => a.method).sort(),
    }));
    const byId = (a: { operationId: string }, b: { operationId: string }) => a.operationId.localeCompare(b.operationId);
    expect(declared.sort(byId)).toEqual(described.sort(byId));
  });

  test('a project token scoped by a GitLab id (x-auth scopeKind gitlab_id) is declared as such', async () => {
    const { description } = await describedApi();
    for (const route of ROUTES.filter((r) => r.auth.ci === 'project' || r.auth.ci === 'project-of-gitlab-id')) {
      const op = description.operations.find((o) => o.operationId === route.operationId);
      const project = op?.auth.find((a) => a.method === 'project') as { scopeKind?: string } | undefined;
      expect({ route: route.operationId, ci: route.auth.ci }).toEqual({ route: route.operationId, ci: project?.scopeKind === 'gitlab_id' ? 'project-of-gitlab-id' : 'project' });
    }
  });

  test('what a route loads is named by its path ({id}), and a build only for its runner', () => {
    for (const route of ROUTES.filter((r) => r.load)) {
      expect({ route: route.operationId, hasId: route.template.includes('{id}') }).toEqual({ route: route.operationId, hasId: true });
      if (route.load === 'assigned-build') expect(route.auth.ci).toBe('runner');
    }
  });
});

describe('the status decisions of the reference server', () => {
  test('every rule a decision names is in the catalog, and the decision answers a status the rule expects', async () => {
    const { description } = await describedApi();
    const rules = new Map(description.catalog.rules.map((r) => [r.id, r]));
    const problems: string[] = [];
    for (const [name, decision] of Object.entries(DECISIONS)) {
      for (const id of decision.rules) {
        const rule = rules.get(id);
        if (!rule) problems.push(`${name}: no rule ${id}`);
        else if (rule.expect && !rule.expect.includes(decision.status)) problems.push(`${name}: ${decision.status}, but ${id} expects ${rule.expect.join(' or ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the server can behave as every declared profile: the rules of a decision depart alike on every operation', async () => {
    const { description } = await describedApi();
    const profiles = profileNames(description.catalog);
    expect(profiles.length).toBeGreaterThan(1);
    for (const profile of profiles) expect(() => behaviourOf(profile)).not.toThrow();
  });

  test('every rule a profile departs from is one a decision implements (or the server could not follow it)', async () => {
    const { description } = await describedApi();
    const decided = new Set<string>(Object.values(DECISIONS).flatMap((d) => d.rules));
    const departed = description.catalog.rules.filter((r) => Object.keys(r.profiles ?? {}).length > 0).map((r) => r.id);
    expect(departed.length).toBeGreaterThan(0);
    expect(departed.filter((id) => !decided.has(id))).toEqual([]);
  });

  describe('seen failing: profile data the server cannot follow', () => {
    const spec = () => ({ catalog: structuredClone(readCatalog()), operationRules: readOperationRules() });
    const rule = (catalog: RuleCatalog, id: string) => catalog.rules.find((r) => r.id === id)!;

    test('two rules of one decision departing apart (AUTH-USER-WRONG-KIND-401 answering 400 where AUTH-USER-INVALID-401 answers 403)', () => {
      const s = spec();
      rule(s.catalog, 'AUTH-USER-WRONG-KIND-401').profiles = { 'gitlab-ci-8.0': { status: 400, note: 'x' } };
      expect(() => behaviourOf('gitlab-ci-8.0', s)).toThrow(/decision userTokenUnknown depart apart on listProjects/);
    });

    test('a `succeeds` where the server lets nothing through (a missing attribute accepted)', () => {
      const s = spec();
      rule(s.catalog, 'MISSING-ATTRIBUTE-400').profiles = { 'gitlab-ci-8.0': { succeeds: true, note: 'x' } };
      expect(() => behaviourOf('gitlab-ci-8.0', s)).toThrow(/lets nothing through for attributeMissing on createProject/);
    });

    test('a profile the catalog does not declare', () => {
      expect(() => behaviourOf('gitlab-ci-7.0')).toThrow(/unknown profile "gitlab-ci-7.0" \(known: strict, gitlab-ci-8.0\)/);
    });
  });

  test('the rules deciding an error status of the strict profile each have a decision', async () => {
    const { description } = await describedApi();
    const decided = new Set<string>(Object.values(DECISIONS).flatMap((d) => d.rules));
    // Rules whose expectation is an error status (4xx) are statuses the server must decide somewhere.
    const errorRules = description.catalog.rules.filter((r) => r.expect?.some((s) => s >= 400)).map((r) => r.id);
    expect(errorRules.filter((id) => !decided.has(id))).toEqual([]);
  });
});
