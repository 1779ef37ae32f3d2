// The pacts in contracts/pacts and the description in spec/ stay one: every interaction is a documented
// request with a documented response. And the check is seen to fire: mutated copies of real
// interactions (in memory) that drift from the description are reported.
import { loadDescription } from '../../src/spec/load';
import { loadPacts, type PactFile, type PactInteraction } from '../../src/pact/files';
import { ContractChecker, checkPactsAgainstSpec, parseForm } from '../../src/pact/contract-vs-spec';

let checker: ContractChecker;
let pacts: PactFile[];

beforeAll(async () => {
  checker = new ContractChecker(await loadDescription());
  pacts = loadPacts().map((p) => p.pact);
});

function interaction(consumer: string, description: string): PactInteraction {
  const pact = pacts.find((p) => p.consumer.name === consumer);
  const found = pact?.interactions.find((i) => i.description === description);
  if (!found) throw new Error(`no interaction "${description}" in the pact of ${consumer}`);
  return structuredClone(found);
}

describe('contract vs description', () => {
  it('finds the three consumers pacts', () => {
    expect(pacts.map((p) => p.consumer.name).sort()).toEqual(['ci-dashboard', 'gitlab', 'gitlab-runner']);
    for (const p of pacts) expect(p.metadata?.pactSpecification).toEqual({ version: '4.0' });
  });

  it('every interaction of every pact is valid against spec/', async () => {
    expect(await checkPactsAgainstSpec()).toEqual([]);
  });

  const mutations: Array<[string, string, string, (i: PactInteraction) => void, RegExp]> = [
    ['gitlab-runner', 'a request for a build when one is pending', 'an undocumented path', (i) => (i.request.path = '/api/v1/builds/request.json'), /no operation of the description/],
    ['gitlab-runner', 'a request for a build when one is pending', 'an undocumented status', (i) => (i.response.status = 200), /status 200 is not documented/],
    ['gitlab-runner', 'a runner verifying it is still registered', 'a method the path does not have', (i) => (i.request.method = 'POST'), /no operation/],
    [
      'gitlab-runner',
      'a request for a build when one is pending',
      'a response field the description does not have',
      (i) => ((i.response.body!.content as Record<string, unknown>).build_id = 79),
      /additional properties \(build_id\)/,
    ],
    [
      'gitlab',
      'a request to read a CI project',
      'a response field of the wrong type',
      (i) => ((i.response.body!.content as Record<string, unknown>).id = 'two-hundred'),
      /\/id must be integer/,
    ],
    [
      'gitlab',
      'a request to create a CI project',
      'a request body without a required attribute',
      (i) => delete (i.request.body!.content as Record<string, unknown>).ssh_url_to_repo,
      /must have required property 'ssh_url_to_repo'/,
    ],
    ['gitlab', 'a request to read a CI project', 'an undeclared query parameter', (i) => (i.request.query = { ...i.request.query, token: ['x'] }), /query parameter token is not declared/],
    ['ci-dashboard', 'a request for the commits of a project with a pending build', 'a missing required query parameter', (i) => delete i.request.query!.project_id, /required query parameter project_id/],
    ['ci-dashboard', 'a request for the commits of a project with a pending build', 'a query value of the wrong type', (i) => (i.request.query!.page = ['first']), /page="first" does not match/],
    [
      'gitlab-runner',
      'a form-encoded update finishing a build',
      'a form body with a state the description does not know',
      (i) => (i.request.body!.content = String(i.request.body!.content).replace('state=success', 'state=done')),
      /form body \/state must be equal to one of the allowed values/,
    ],
    ['gitlab-runner', 'a JSON update of a running build', 'a path id that is not an integer', (i) => (i.request.path = '/api/v1/builds/latest.json'), /path parameter id="latest"/],
  ];

  it.each(mutations)('reports a pact that drifts: %s / %s (%s)', (consumer, description, _what, mutate, expected) => {
    const mutated = interaction(consumer, description);
    expect(checker.checkInteraction(mutated)).toEqual([]);
    mutate(mutated);
    expect(checker.checkInteraction(mutated).join('\n')).toMatch(expected);
  });

  it('decodes form bodies with bracketed keys', () => {
    expect(parseForm('token=a&data[commits][0][id]=x&data[ref]=refs%2Fheads%2Fmaster')).toEqual({
      token: 'a',
      data: { commits: [{ id: 'x' }], ref: 'refs/heads/master' },
    });
  });
});
