// Provider verification of every pact in contracts/pacts: passes against the embedded reference
// server, and is seen failing against a server that breaks one consumer expectation (a fault proxy in
// front of the reference server). Also: what it creates is removed, skips need their reason, and no
// token reaches a result.
import crypto from 'node:crypto';
import { DEFAULTS, type RunConfig } from '../../src/config/run-config';
import { startProxy, type RunningProxy, type ProxiedRequest, type ProxiedResponse } from '../../src/http/proxy';
import { HttpClient } from '../../src/http/client';
import { verifyPacts, type VerificationResult } from '../../src/pact/verify';
import { startReferenceStack } from '../../src/server';
import { TOOL } from '../../src/tool';
import { CURL_AVAILABLE, credentialsEnv, replay, resetStack, statusesSeen } from '../report/support';

/** The suite's own client (state set-up and clean-up) names itself in User-Agent; the verifier's replays do not. */
const fromTheSuite = (req: ProxiedRequest): boolean => req.headers['user-agent']?.startsWith(`${TOOL.name}/`) ?? false;

type Stack = Awaited<ReturnType<typeof startReferenceStack>>;
let stack: Stack;

beforeAll(async () => {
  process.env.PACT_DO_NOT_TRACK = 'true';
  stack = await startReferenceStack();
});
afterAll(async () => stack?.close());

function configFor(target: string, overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    target,
    gitlabUrl: stack.gitlabUrl,
    privateToken: stack.users.maintainer,
    developerToken: stack.users.developer,
    outsiderToken: stack.users.outsider,
    registrationToken: stack.registrationToken,
    gitlabProjectIds: [],
    profile: DEFAULTS.profile,
    only: [],
    skip: [],
    reportDir: 'reports',
    timeoutMs: 5_000,
    concurrency: 4,
    runId: crypto.randomBytes(3).toString('hex'),
    seed: 1,
    examples: DEFAULTS.examples,
    sequences: DEFAULTS.sequences,
    steps: DEFAULTS.steps,
    ...overrides,
  };
}

const failures = (result: VerificationResult) =>
  result.interactions.filter((i) => i.status === 'failed').map((i) => `${i.consumer}: ${i.description}: ${i.reason ?? ''} ${i.mismatches.join('; ')}`);

/** What the maintainer sees on the reference server: nothing, once a verification cleaned up. */
async function ciProjects(): Promise<unknown[]> {
  const api = new HttpClient({ baseUrl: `${stack.url}/api/v1`, timeoutMs: 5_000, concurrency: 1 });
  const query = { private_token: stack.users.maintainer, url: stack.gitlabUrl };
  const projects = await api.send({ method: 'GET', path: '/projects', query });
  const runners = await api.send({ method: 'GET', path: '/runners', query });
  return [...(projects.body as unknown[]), ...(runners.body as unknown[])];
}

async function withFault(rewrite: (req: ProxiedRequest, res: ProxiedResponse) => ProxiedResponse | undefined, run: (proxy: RunningProxy) => Promise<void>): Promise<void> {
  const proxy = await startProxy({ target: stack.url, rewrite });
  try {
    await run(proxy);
  } finally {
    await proxy.close();
  }
}

describe('verifyPacts', () => {
  it('passes every interaction of every pact against the embedded reference server and leaves nothing behind', async () => {
    const result = await verifyPacts(configFor(stack.url));
    expect(failures(result)).toEqual([]);
    expect(result.summary.skipped).toBe(0);
    expect(result.summary.passed).toBe(result.interactions.length);
    expect(result.interactions.length).toBeGreaterThanOrEqual(25);
    expect(result.cleanupFailures).toEqual([]);
    expect(await ciProjects()).toEqual([]);
    // Pact's own report is kept (redacted): it names the interactions, and holds no token.
    expect(result.verifierOutput).toMatch(/Verifying a pact between gitlab-runner and gitlab-ci-api/);
    for (const token of [stack.users.maintainer, stack.registrationToken]) expect(result.verifierOutput).not.toContain(token);
  });

  it('keeps tokens out of Pact\'s report even at log level warn and when bodies mismatch', async () => {
    // The verifier prints the actual body of a mismatching response: here a registered runner's token.
    await withFault(
      (req, res) => (req.method === 'POST' && /\/runners\/register\.json$/.test(req.path) && !fromTheSuite(req) ? { ...res, body: Buffer.from(res.body.toString().replace('"id"', '"runner_id"')) } : undefined),
      async (proxy) => {
        const result = await verifyPacts(configFor(proxy.url), { consumers: ['gitlab-runner'], logLevel: 'warn' });
        const registration = result.interactions.find((i) => i.description === 'a runner registration with a project token');
        expect(registration?.status).toBe('failed');
        expect(result.verifierOutput).toMatch(/\[REDACTED\]/);
        // The only tokens left are the examples the pact itself holds (the docs' runner token).
        const shown = [...result.verifierOutput.matchAll(/"token": "([^"]*)"/g)].map((m) => m[1]);
        expect(shown.length).toBeGreaterThan(0);
        expect(new Set(shown)).toEqual(new Set(['[REDACTED]', '12b68e90394084703135']));
        expect(JSON.stringify(result)).not.toContain(stack.users.maintainer);
      },
    );
    expect(await ciProjects()).toEqual([]);
  });

  it('fails "a request for a build when one is pending" when builds/register answers 200 instead of 201', async () => {
    await withFault(
      (req, res) => (req.method === 'POST' && /\/builds\/register(\.json)?$/.test(req.path) && res.status === 201 ? { ...res, status: 200 } : undefined),
      async (proxy) => {
        const result = await verifyPacts(configFor(proxy.url), { consumers: ['gitlab-runner'] });
        const failed = new Map(result.interactions.filter((i) => i.status === 'failed').map((i) => [i.description, i]));
        expect(failed.get('a request for a build when one is pending')?.mismatches.join('\n')).toMatch(/expected 201 but was 200/);
        // The state "the runner is running the build" asks for a build the same way, and fails too.
        for (const [description, f] of failed) {
          if (description !== 'a request for a build when one is pending') expect(f.reason).toMatch(/"the runner is running the build": POST \/builds\/register.json answered 200/);
        }
        expect(failed.size).toBe(5);
        expect(result.cleanupFailures).toEqual([]);
      },
    );
    expect(await ciProjects()).toEqual([]);
  });

  it('fails the health check of a deleted runner when PUT builds/-1 answers 404 to it (runner seems alive)', async () => {
    await withFault(
      (req, res) => (req.method === 'PUT' && req.path === '/api/v1/builds/-1' && res.status === 403 ? { ...res, status: 404 } : undefined),
      async (proxy) => {
        const result = await verifyPacts(configFor(proxy.url), { consumers: ['gitlab-runner'] });
        const failed = result.interactions.filter((i) => i.status === 'failed');
        expect(failed.map((i) => i.description)).toEqual(['a deleted runner verifying it is still registered']);
        expect(failed[0].mismatches.join('\n')).toMatch(/expected 403 but was 404/);
        // The evidence: the replayed request and the provider's answer, after the state set-up it used
        // (the runner's registration and deletion, and the project it was registered with), redacted.
        const evidence = failed[0].evidence!;
        expect(evidence.request).toMatchObject({ method: 'PUT', url: `${proxy.url}/api/v1/builds/-1`, body: expect.stringContaining('"token"') });
        expect(evidence.response).toMatchObject({ status: 404 });
        expect(evidence.exchanges.map((e) => `${e.request.method} ${new URL(e.request.url).pathname}`)).toEqual(['POST /api/v1/projects', 'POST /api/v1/runners/register.json', 'DELETE /api/v1/runners/delete']);
        expect(evidence.request.body).toMatch(/^\{"token":\s*"\[REDACTED\]"\}$/);
        expect(evidence.curl).toContain('"$GITLAB_CI_RUNNER_TOKEN"');
        for (const token of [stack.users.maintainer, stack.registrationToken]) expect(JSON.stringify(evidence)).not.toContain(token);
        // Replayed with curl, the whole sequence meets the statuses the verification saw.
        if (CURL_AVAILABLE) {
          const outcome = await replay(evidence.curl!, credentialsEnv(stack));
          await resetStack(stack); // what the replay created stays on the server
          expect(outcome.statuses).toEqual(statusesSeen(evidence));
        }
      },
    );
  });

  it('skips the interactions that need the registration token when none is configured, with the reason', async () => {
    const result = await verifyPacts(configFor(stack.url, { registrationToken: undefined }), { consumers: ['gitlab-runner'] });
    const skipped = result.interactions.filter((i) => i.status === 'skipped');
    expect(skipped.map((i) => i.description)).toEqual(['a runner registration with the runners registration token']);
    expect(skipped[0].reason).toMatch(/registration token/);
    expect(failures(result)).toEqual([]);
  });

  it('reports a state it cannot set up as the failure of its interaction, and never shows a token', async () => {
    // POST /commits answers 500: the states that push a commit fail, and so do their interactions.
    await withFault(
      (req, res) => (req.method === 'POST' && req.path === '/api/v1/commits' ? { ...res, status: 500, body: Buffer.from('{"message":"500 Internal Server Error"}') } : undefined),
      async (proxy) => {
        const result = await verifyPacts(configFor(proxy.url), { consumers: ['ci-dashboard'] });
        const failed = result.interactions.filter((i) => i.status === 'failed');
        expect(failed.map((i) => i.description).sort()).toEqual([
          'a request for the commits of a project whose build succeeded',
          'a request for the commits of a project with a pending build',
        ]);
        for (const f of failed) expect(f.reason).toMatch(/provider state could not be set up: "a commit with a pending build was pushed to the project": POST \/commits answered 500/);
        expect(result.summary.passed).toBe(2);
        const text = JSON.stringify(result);
        for (const token of [stack.users.maintainer, stack.registrationToken]) expect(text).not.toContain(token);
        expect(text).not.toMatch(/"token":"(?!\[REDACTED\])[^"]{12,}"/);
      },
    );
    expect(await ciProjects()).toEqual([]);
  });
});
