// [MALFORMED-INPUT-400] Two broken servers, built outside the reference server (a proxy in front of it
// answers for it whenever a request's JSON body cannot be parsed): one answers 500, one ignores the body
// and answers 200. A run of the built CLI catches both by MALFORMED-INPUT-400, which is only possible
// when the unparseable body reaches the server byte for byte; its evidence shows those bytes, its report
// validates against spec/report.schema.json (readReport), and every curl reproduction in it, run with the real curl
// binary and the credentials in the environment, meets the same statuses as the run did.
import type { RunReport } from '../../src/report/write';
import { runCli } from '../run/helpers';
import { CURL_AVAILABLE, credentialsEnv, readReport, replay, resetStack, statusesSeen } from '../report/support';
import { leftovers, startFaultyTarget, startReferenceStack, targetArgs, tempDir, type FaultyTarget, type RunningReferenceStack, type SeenRequest } from './support';

const UNTERMINATED = '{"token": "unterminated';

/** A request whose Content-Type says JSON and whose body is not JSON. */
function unparseableJson(request: SeenRequest): boolean {
  if (!/^application\/json/i.test(String(request.headers['content-type'] ?? ''))) return false;
  try {
    JSON.parse(request.body.toString('utf8'));
    return false;
  } catch {
    return true;
  }
}

describe.each([
  ['answers 500', 500],
  ['ignores the body and answers 200', 200],
])('[MALFORMED-INPUT-400] a server that %s to a JSON body it cannot parse', (_name, status) => {
  let stack: RunningReferenceStack;
  let proxy: FaultyTarget;
  let report: RunReport;
  let code: number | null;
  beforeAll(async () => {
    stack = await startReferenceStack();
    proxy = await startFaultyTarget({ upstream: stack.url, fault: (r) => (unparseableJson(r) ? { kind: 'status', status } : undefined) });
    const reportDir = tempDir(`malformed-${status}`);
    ({ code } = await runCli(['run', ...targetArgs(proxy.url, stack, reportDir)]));
    report = readReport(reportDir);
  }, 120_000);
  afterAll(async () => {
    await proxy.close();
    await stack.close();
  });

  const failed = () => report.checks.filter((c) => c.status === 'failed');

  test('[MALFORMED-INPUT-400] fails for every operation with a request body, nothing else fails, nothing is left behind', async () => {
    expect(code).toBe(1);
    const malformed = failed().filter((c) => c.id.endsWith(':MALFORMED-INPUT-400:bad-json'));
    const withBadJson = report.checks.filter((c) => c.id.endsWith(':MALFORMED-INPUT-400:bad-json'));
    expect(withBadJson.length).toBeGreaterThanOrEqual(8);
    expect(malformed.map((c) => c.id)).toEqual(withBadJson.map((c) => c.id));
    for (const check of malformed) expect(check.reason).toContain(`The API answered ${status}`);
    // The only other failures are checks that sent a body that is not JSON as well (RESPONSE-SCHEMA's 400).
    for (const check of failed()) expect(() => JSON.parse(String(check.evidence?.request.body))).toThrow();
    expect(report.leftBehind).toEqual([]);
    expect(await leftovers(stack)).toEqual({ projects: [], runners: [] });
  });

  test('[MALFORMED-INPUT-400] the evidence is the exact bytes the server received, with every header', () => {
    const received = proxy.requests.filter((r) => r.body.toString('utf8') === UNTERMINATED);
    expect(received.length).toBeGreaterThanOrEqual(8);
    for (const check of failed().filter((c) => c.id.endsWith(':MALFORMED-INPUT-400:bad-json'))) {
      const { request, response } = check.evidence!;
      expect(request.body).toBe(UNTERMINATED);
      expect(request.url.startsWith(`${proxy.url}/api/v1/`)).toBe(true);
      expect(request.headers).toEqual(expect.arrayContaining([['Content-Type', 'application/json'], ['Content-Length', String(UNTERMINATED.length)]]));
      expect(response).toMatchObject({ status, body: expect.stringContaining(`${status} injected by the fault proxy`) });
    }
  });

  // Replayed one after the other, each on the server as the run found it (what a replay creates stays).
  (CURL_AVAILABLE ? test : test.skip)(`[MALFORMED-INPUT-400] every curl reproduction, run with curl, meets the statuses the run saw${CURL_AVAILABLE ? '' : ' (SKIPPED: no curl binary on this machine)'}`, async () => {
    expect(failed().length).toBeGreaterThan(0);
    for (const check of failed()) {
      await resetStack(stack);
      const outcome = await replay(check.evidence!.curl!, credentialsEnv(stack));
      expect({ check: check.id, statuses: outcome.statuses, code: outcome.code }).toEqual({ check: check.id, statuses: statusesSeen(check.evidence!), code: 0 });
    }
  }, 120_000);
});
