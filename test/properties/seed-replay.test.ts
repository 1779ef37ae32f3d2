// `run --seed N` replays exactly the same requests: two runs with the same seed send byte-identical
// generated requests, and another seed sends other ones (so the comparison is not vacuous). Each run goes
// to a fresh reference server whose ids and tokens are deterministic, through a proxy that records every
// request (request line, headers, body bytes), one check at a time (--concurrency 1: the server hands out
// ids in arrival order).
//
// What the seed does not control is masked, and only that: the ports of the servers, the run id (random per
// run, so that two runs against one target never meet), the random part of the run's names and the shas of
// its pushes (made unique per run by the fixtures, src/state), and the ids and tokens the server handed out
// (which resource gets which depends on the order Jest runs the suite files, decided from the timings of
// earlier runs); the GitLab projects are given (found through GitLab, they come in an order drawn per run).
// Everything the generators chose is compared as sent.
import { startTarget, type RunningTarget } from '../../src/mutation/target';
import type { ProxiedRequest } from '../../src/http/proxy';
import { readReport } from '../report/support';
import { runCli, tempDir } from '../run/helpers';

const GENERATED = 'GENERATED-VALID-ACCEPTED,HOSTILE-INPUT-REJECTED';

/** The GitLab projects to use, given: found through GitLab, they come in an order drawn per run. */
const GITLAB_IDS = Array.from({ length: 30 }, (_, i) => 1001 + i).join(',');

/** Tokens a server hands out in the order asked: the same in every run that asks in the same order. */
function countingTokens() {
  let n = 0;
  return (kind: 'project' | 'runner') => `${kind}-token-${String(++n).padStart(4, '0')}`;
}

async function recordRun(seed: number): Promise<string[]> {
  const sent: ProxiedRequest[] = [];
  const handedOut = new Set<string>();
  const target: RunningTarget = await startTarget({
    tokens: countingTokens(),
    registrationToken: 'registration-token-fixed',
    proxy: {
      rewrite: (request, response) => {
        sent.push(request);
        const created = response.status === 201 ? (JSON.parse(response.body.toString('utf8')) as { id?: unknown }) : undefined;
        if (typeof created?.id === 'number') handedOut.add(String(created.id));
        return undefined;
      },
    },
  });
  try {
    const reportDir = tempDir('seed');
    const { stack } = target;
    const result = await runCli(
      ['run', '--target', target.url, '--gitlab-url', stack.gitlabUrl, '--only', GENERATED, '--seed', String(seed), '--concurrency', '1', '--gitlab-project-ids', GITLAB_IDS, '--report-dir', reportDir],
      { GITLAB_CI_PRIVATE_TOKEN: stack.users.maintainer, GITLAB_CI_DEVELOPER_TOKEN: stack.users.developer, GITLAB_CI_OUTSIDER_TOKEN: stack.users.outsider, GITLAB_CI_REGISTRATION_TOKEN: stack.registrationToken },
      180_000,
    );
    expect(result.code).toBe(0);
    const { runId, seed: reported } = readReport(reportDir);
    expect(reported).toBe(seed);
    expect(result.stderr).toContain(`Seed ${seed}`);
    const mask = (text: string) =>
      text
        .split(target.url.replace(/^http:\/\//, '')).join('<ci>')
        .split(encodeURIComponent(stack.gitlabUrl)).join('<gitlab>')
        .split(stack.gitlabUrl).join('<gitlab>')
        // A spoiled url (a tab inserted) still holds the port.
        .split(`%3A${new URL(stack.gitlabUrl).port}`).join('%3A<gitlab-port>')
        .replace(new RegExp(`conformance-${runId}(-[a-z]+-[0-9a-f]{6})?`, 'g'), '<run-name>')
        .split(runId).join('<run-id>')
        .replace(/(project|runner)-token-\d{4}/g, '<$1-token>')
        .replace(/(\/projects\/|\/runners\/|\/builds\/|project_id=|"project_id":|"id":)(\d+)/g, (all, at: string, id: string) => (handedOut.has(id) ? `${at}<id>` : all))
        .replace(/\b[0-9a-f]{40}\b/g, '<sha>');
    // In the order sent; two checks' requests may interleave differently (the catalog of a check is sent at
    // once), so the lists are compared sorted: any value that differs still makes a request differ.
    return sent.map((r) => mask(`${r.method} ${r.url}\n${Object.entries(r.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\n')}\n\n${r.body.toString('latin1')}`)).sort();
  } finally {
    await target.close();
  }
}

describe('run --seed N', () => {
  let first: string[];
  let second: string[];
  let other: string[];
  beforeAll(async () => {
    first = await recordRun(4242);
    second = await recordRun(4242);
    other = await recordRun(4243);
  }, 600_000);

  test('two runs with the same seed send the same requests, byte for byte (what the seed does not control masked)', () => {
    expect(first.length).toBeGreaterThan(500);
    expect(second).toEqual(first);
  });

  test('a run with another seed sends other generated requests', () => {
    const same = new Set(first);
    expect(other.filter((r) => !same.has(r)).length).toBeGreaterThan(20);
  });
});
