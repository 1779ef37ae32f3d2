// The reference server's declarations agree with spec/: one route per operation of the description, taking
// the credentials its x-auth names; and every status decision (src/server/http/errors.ts) names rules of the
// catalog whose strict expectation is that status, and that no profile pulls apart (so that a compatibility
// behaviour can change a decision's status as a whole).
import { DECISIONS } from '../../src/server/http/errors';
import { ROUTES } from '../../src/server/http/routes';
import type { Route } from '../../src/server/http/route';
import type { AuthMethod } from '../../src/spec/types';
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

  test('no profile treats the rules of one decision differently (a profile can change a decision as a whole)', async () => {
    const { description } = await describedApi();
    const rules = new Map(description.catalog.rules.map((r) => [r.id, r]));
    const profiles = [...new Set(description.catalog.rules.flatMap((r) => Object.keys(r.profiles ?? {})))];
    expect(profiles.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const profile of profiles) {
      for (const [name, decision] of Object.entries(DECISIONS)) {
        const behaviours = new Set(decision.rules.map((id) => JSON.stringify({ status: rules.get(id)?.profiles?.[profile]?.status, skip: rules.get(id)?.profiles?.[profile]?.skip })));
        if (behaviours.size > 1) problems.push(`${profile}: ${name} (${decision.rules.join(', ')}): ${[...behaviours].join(' vs ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the rules deciding an error status of the strict profile each have a decision', async () => {
    const { description } = await describedApi();
    const decided = new Set<string>(Object.values(DECISIONS).flatMap((d) => d.rules));
    // Rules whose expectation is an error status (4xx) are statuses the server must decide somewhere.
    const errorRules = description.catalog.rules.filter((r) => r.expect?.some((s) => s >= 400)).map((r) => r.id);
    expect(errorRules.filter((id) => !decided.has(id))).toEqual([]);
  });
});
