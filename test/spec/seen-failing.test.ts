// The checks of src/spec/lint.ts seen failing: each mutation of an in-memory copy of spec/ must be
// reported, so a green run on the real spec means something.
import type { OpenAPIV3_1 } from 'openapi-types';
import { lintDescription } from '../../src/spec/lint';
import type { RuleCatalog } from '../../src/spec/types';
import { mutated, rawOperation, rawRules, readInventory } from './helpers';

const inventory = readInventory();

async function problemsAfter(mutate: Parameters<typeof mutated>[0]): Promise<string[]> {
  return lintDescription(await mutated(mutate), inventory);
}

describe('lintDescription', () => {
  it('finds nothing on the unmodified copy', async () => {
    expect(await problemsAfter(() => undefined)).toEqual([]);
  });

  describe('a parameter dropped', () => {
    it('query parameter per_page of GET /commits', async () => {
      const problems = await problemsAfter(({ document }) => {
        const op = rawOperation(document, 'GET', '/commits');
        op.parameters = (op.parameters as OpenAPIV3_1.ParameterObject[]).filter((p) => p.name !== 'per_page');
      });
      expect(problems).toContainEqual(expect.stringMatching(/GET \/commits: documented parameter per_page \(query\) is missing/));
    });

    it('body attribute ssh_url_to_repo of POST /projects', async () => {
      const problems = await problemsAfter(({ document }) => {
        const schema = document.components!.schemas!.ProjectCreate as OpenAPIV3_1.SchemaObject;
        delete schema.properties!.ssh_url_to_repo;
        schema.required = schema.required!.filter((n) => n !== 'ssh_url_to_repo');
      });
      expect(problems).toContainEqual(expect.stringMatching(/POST \/projects: documented parameter ssh_url_to_repo \(body\) is missing/));
    });

    it('a required flag lost (gitlab_id of POST /projects made optional)', async () => {
      const problems = await problemsAfter(({ document }) => {
        const schema = document.components!.schemas!.ProjectCreate as OpenAPIV3_1.SchemaObject;
        schema.required = schema.required!.filter((n) => n !== 'gitlab_id');
      });
      expect(problems).toContainEqual(expect.stringMatching(/POST \/projects: parameter gitlab_id is optional, documented required/));
    });

    it('a parameter moved (project_token of GET /commits sent as a header)', async () => {
      const problems = await problemsAfter(({ document }) => {
        const op = rawOperation(document, 'GET', '/commits');
        const p = (op.parameters as OpenAPIV3_1.ParameterObject[]).find((q) => q.name === 'project_token')!;
        p.in = 'header';
      });
      expect(problems).toContainEqual(expect.stringMatching(/GET \/commits: parameter project_token travels in header, documented in query/));
    });
  });

  describe('an example broken', () => {
    it('a component example with a field of the wrong type', async () => {
      const problems = await problemsAfter(({ document }) => {
        const ex = document.components!.examples!.RunnerDetail as OpenAPIV3_1.ExampleObject;
        (ex.value as Record<string, unknown>).id = 'one';
      });
      expect(problems).toContainEqual(expect.stringMatching(/DELETE \/runners\/delete 200 application\/json: example docs does not match the schema/));
      // it also no longer equals the docs' example
      expect(problems).toContainEqual(expect.stringMatching(/DELETE \/runners\/delete: the docs' example response \(200\)/));
    });

    it('a required field missing from a docs example', async () => {
      const problems = await problemsAfter(({ document }) => {
        const ex = document.components!.examples!.BuildAssignment as OpenAPIV3_1.ExampleObject;
        delete (ex.value as Record<string, unknown>).repo_url;
      });
      expect(problems).toContainEqual(expect.stringMatching(/POST \/builds\/register 201 .*must have required property 'repo_url'/));
    });

    it('an inline error example without its message', async () => {
      const problems = await problemsAfter(({ document }) => {
        const response = document.components!.responses!.NotFound as OpenAPIV3_1.ResponseObject;
        (response.content!['application/json'].examples!.notFound as OpenAPIV3_1.ExampleObject).value = { error: 'nope' };
      });
      expect(problems).toContainEqual(expect.stringMatching(/404 application\/json: example notFound does not match the schema/));
    });
  });

  describe('a rule removed', () => {
    it('from the catalog: the operations that name it are reported', async () => {
      const problems = await problemsAfter(({ catalog }) => {
        catalog.rules = catalog.rules.filter((r) => r.id !== 'CONFLICT-409');
      });
      expect(problems).toContainEqual('POST /projects: names rule CONFLICT-409, which is not in the catalog');
      expect(problems).toContainEqual('PUT /projects/{id}: names rule CONFLICT-409, which is not in the catalog');
      // and the 409 the operations document is no longer reachable
      expect(problems).toContainEqual(expect.stringMatching(/POST \/projects: documents 409 but no rule/));
    });

    it('from an operation: its documented status is no longer covered', async () => {
      const problems = await problemsAfter(({ document }) => {
        const rules = rawRules(document, 'POST', '/builds/register');
        rules.splice(rules.indexOf('BUILD-REGISTER-NOTHING-404'), 1);
      });
      expect(problems).toContainEqual(expect.stringMatching(/POST \/builds\/register: documents 404 but no rule/));
      expect(problems).toContainEqual('rule BUILD-REGISTER-NOTHING-404: not used by any operation');
    });

    it('from an operation: an auth method without its accepted rule', async () => {
      const problems = await problemsAfter(({ document }) => {
        const rules = rawRules(document, 'POST', '/forks');
        rules.splice(rules.indexOf('AUTH-PROJECT-ACCEPTED'), 1);
      });
      expect(problems).toContainEqual('POST /forks: no auth-accepted rule for its project auth');
    });

    it('from an operation: an auth method without any rejected rule', async () => {
      const problems = await problemsAfter(({ document }) => {
        const op = rawOperation(document, 'GET', '/runners');
        const conformance = op['x-conformance'] as { rules: string[] };
        conformance.rules = conformance.rules.filter((id) => !/^AUTH-USER-.*-401$|^HOSTILE-INPUT-REJECTED$/.test(id));
      });
      expect(problems).toContainEqual(expect.stringMatching(/GET \/runners: no auth-rejected rule for its user credential/));
      expect(problems).toContainEqual(expect.stringMatching(/GET \/runners: documents 401 but no rule/));
    });
  });

  describe('what generation needs', () => {
    it('a nested object of a form body without deepObject encoding', async () => {
      const problems = await problemsAfter(({ document }) => {
        const body = rawOperation(document, 'POST', '/commits').requestBody as OpenAPIV3_1.RequestBodyObject;
        delete body.content['application/x-www-form-urlencoded'].encoding;
      });
      expect(problems).toContainEqual('POST /commits: form field data is an object without encoding {style: deepObject, explode: true}');
    });

    it('an integer of a request without a format (its range)', async () => {
      const problems = await problemsAfter(({ document }) => {
        const push = document.components!.schemas!.PushData as OpenAPIV3_1.SchemaObject;
        delete (push.properties!.total_commits_count as OpenAPIV3_1.SchemaObject).format;
      });
      expect(problems).toContainEqual('POST /commits: integer data.total_commits_count has no format (int32 or int64)');
    });

    it('a hostile-input rule without the status of a parameter kind', async () => {
      const problems = await problemsAfter(({ catalog }) => {
        const rule = catalog.rules.find((r) => r.id === 'HOSTILE-INPUT-REJECTED')!;
        delete (rule.hostile!.kinds as Partial<Record<string, number>>)['ci-token'];
      });
      expect(problems).toContainEqual(expect.stringMatching(/^rule HOSTILE-INPUT-REJECTED: a hostile-input rule needs hostile.kinds/));
    });

    it('a path id answered 404 by hostile values that the operation does not document', async () => {
      const problems = await problemsAfter(({ document }) => {
        delete rawOperation(document, 'DELETE', '/projects/{id}').responses!['404'];
      });
      expect(problems).toContainEqual('DELETE /projects/{id}: rule HOSTILE-INPUT-REJECTED makes 404 reachable, but 404 is not documented');
    });
  });

  describe('other inconsistencies', () => {
    it('a rule of an auth method the operation does not use', async () => {
      const problems = await problemsAfter(({ document }) => {
        rawRules(document, 'GET', '/projects').push('AUTH-RUNNER-INVALID-403');
      });
      expect(problems).toContainEqual('GET /projects: rule AUTH-RUNNER-INVALID-403 is about runner auth, which the operation\'s x-auth does not list');
      expect(problems).toContainEqual('GET /projects: rule AUTH-RUNNER-INVALID-403 makes 403 reachable, but 403 is not documented');
    });

    it('UNKNOWN-RESOURCE-404 on an operation without a 404 response', async () => {
      const problems = await problemsAfter(({ document }) => {
        delete rawOperation(document, 'PUT', '/builds/{id}').responses!['404'];
      });
      expect(problems).toContainEqual('PUT /builds/{id}: rule UNKNOWN-RESOURCE-404 makes 404 reachable, but 404 is not documented');
    });

    it('a duplicate rule ID and a rule without a quote', async () => {
      const problems = await problemsAfter(({ catalog }) => {
        catalog.rules.push({ ...catalog.rules[0] });
        catalog.rules[1] = { ...catalog.rules[1], source: { ...catalog.rules[1].source, quote: '' } };
      });
      expect(problems).toContainEqual(`rule ${'JSON-RESPONSE'}: the ID is not unique`);
      expect(problems).toContainEqual(expect.stringMatching(/rule RESPONSE-SCHEMA: source needs page, section and quote/));
    });

    it('a request body without its form encoding', async () => {
      const problems = await problemsAfter(({ document }) => {
        const body = rawOperation(document, 'PUT', '/builds/{id}').requestBody as OpenAPIV3_1.RequestBodyObject;
        delete body.content['application/x-www-form-urlencoded'];
      });
      expect(problems).toContainEqual('PUT /builds/{id}: request body lacks application/x-www-form-urlencoded');
    });

    it('an error response whose body is not {"message": string}', async () => {
      const problems = await problemsAfter(({ document }) => {
        const schema = document.components!.schemas!.Message as OpenAPIV3_1.SchemaObject;
        schema.properties = { message: { type: 'integer' } };
      });
      expect(problems).toContainEqual('GET /projects: error response 401 is not {"message": string}');
    });

    it('the .json suffix equivalence removed', async () => {
      const problems = await problemsAfter(({ document }) => {
        delete document['x-path-suffix'];
      });
      expect(problems).toContainEqual(expect.stringMatching(/x-path-suffix/));
    });

    it('an operation the docs do not have, and a documented one missing', async () => {
      const problems = await problemsAfter(({ document }) => {
        const paths = document.paths as Record<string, unknown>;
        paths['/projects/{id}/webhooks'] = { post: { ...rawOperation(document, 'POST', '/projects'), operationId: 'addWebhook' } };
        delete paths['/projects/owned'];
      });
      expect(problems).toContainEqual('POST /projects/{id}/webhooks: described but not in the docs inventory');
      expect(problems).toContainEqual(expect.stringMatching(/GET \/projects\/owned: documented .* but missing from the description/));
    });
  });

  describe('profile data broken', () => {
    const ruleOf = (catalog: RuleCatalog, id: string) => catalog.rules.find((r) => r.id === id)!;
    const problemsOfProfiles = async (mutate: (catalog: RuleCatalog) => void) => problemsAfter(({ catalog }) => mutate(catalog));

    it.each<[string, (catalog: RuleCatalog) => void, RegExp]>([
      ['a profile no declaration names', (c) => void (ruleOf(c, 'CONFLICT-409').profiles = { 'gitlab-ci-7.0': { status: 400, note: 'x' } }), /rule CONFLICT-409, profile gitlab-ci-7.0: not a declared compatibility profile \(declared: gitlab-ci-8.0\)/],
      ['strict undeclared', (c) => void delete c.profiles.strict, /profiles: the strict profile is not declared/],
      ['a declaration without a description', (c) => void (c.profiles['gitlab-ci-8.0'] = { description: ' ' }), /profiles: gitlab-ci-8.0 has no description/],
      ['an unknown key', (c) => void Object.assign(ruleOf(c, 'AUTH-USER-MISSING-401').profiles!['gitlab-ci-8.0'], { statsu: 403 }), /rule AUTH-USER-MISSING-401, profile gitlab-ci-8.0: unknown key statsu/],
      ['a skip without a reason', (c) => void (ruleOf(c, 'AUTH-USER-MISSING-401').profiles = { 'gitlab-ci-8.0': { skip: true } }), /rule AUTH-USER-MISSING-401, profile gitlab-ci-8.0: a skip without a reason \(note\)/],
      ['an operation that does not carry the rule', (c) => void (ruleOf(c, 'AUTH-USER-FORBIDDEN-403').profiles!['gitlab-ci-8.0'].operations!.listRunners = { status: 401 }), /operation listRunners does not exist or does not carry the rule/],
      ['an operation that does not exist', (c) => void (ruleOf(c, 'DELETE-IDEMPOTENT-REPEAT').profiles!['gitlab-ci-8.0'].operations!.deleteRunnerz = { status: 403 }), /operation deleteRunnerz does not exist or does not carry the rule/],
      ['an override that expects what strict does', (c) => void (ruleOf(c, 'AUTH-USER-FORBIDDEN-403').profiles!['gitlab-ci-8.0'].operations!.createProject = { status: 403 }), /AUTH-USER-FORBIDDEN-403, profile gitlab-ci-8.0: on createProject it expects 403, as strict does/],
      ['a rule-level status strict already expects somewhere', (c) => void (ruleOf(c, 'AUTH-BEFORE-EXISTENCE').profiles = { 'gitlab-ci-8.0': { status: 403, note: 'x' } }), /AUTH-BEFORE-EXISTENCE, profile gitlab-ci-8.0: on updateBuild it expects 403, as strict does/],
      ['a succeeds where strict expects the success', (c) => void (ruleOf(c, 'GET-200').profiles = { 'gitlab-ci-8.0': { succeeds: true, note: 'x' } }), /GET-200, profile gitlab-ci-8.0: on listProjects it expects 200, as strict does/],
      ['two departures in one entry', (c) => void (ruleOf(c, 'CONFLICT-409').profiles!['gitlab-ci-8.0'].variants!.name = { status: 400, succeeds: true }), /variant name: status and succeeds together; one departure per entry/],
      ['an entry without a departure', (c) => void (ruleOf(c, 'UNPROCESSABLE-422').profiles!['gitlab-ci-8.0'].operations!.updateBuild = { note: 'x' }), /operation updateBuild: no departure \(status, succeeds or skip\)/],
      ['a status that is no HTTP status', (c) => void (ruleOf(c, 'AUTH-USER-MISSING-401').profiles = { 'gitlab-ci-8.0': { status: 4030, note: 'x' } }), /status 4030 is not an HTTP status/],
      ['profile data on a rule that follows others', (c) => void (ruleOf(c, 'RESPONSE-SCHEMA').profiles = { 'gitlab-ci-8.0': { skip: true, note: 'x' } }), /a response-schema rule follows the statuses of other rules and takes no profile data/],
    ])('%s', async (_what, mutate, expected) => {
      expect(await problemsOfProfiles(mutate)).toContainEqual(expect.stringMatching(expected));
    });
  });
});
