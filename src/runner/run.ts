// The certification run, start to end: resolve the target (or start the embedded one), check it can be
// reached, find GitLab projects to use, run the generated suites with Jest, remove whatever is left,
// write the reports. Interrupted by a signal, it still cleans up and writes what it has.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CannotRunError } from '../cli/errors';
import { apiBase, secretsOf, type RunConfig } from '../config/run-config';
import { HttpClient, TransportError } from '../http/client';
import { Redactor } from '../report/redact';
import { appendResult, readResults } from '../report/results';
import { failuresByRule } from '../report/summary';
import { buildReport, writeReports, type RunReport } from '../report/write';
import { discoverGitlabProjectIds } from '../state/gitlab-discovery';
import { describeResource, Ledger } from '../state/ledger';
import { removeThroughApi } from '../state/world';
import { HANDOFF_VARIABLE, type Handoff } from './handoff';
import { verifyContracts } from './contracts';
import { runSuites } from './jest';

/** How many GitLab projects a run wants at most (it needs about as many as it has cases in flight). */
const GITLAB_IDS_WANTED = 40;

export interface RunOutcome {
  report: RunReport;
  exitCode: 0 | 1;
}

export async function certify(config: RunConfig, log: (line: string) => void): Promise<RunOutcome> {
  const startedAt = new Date();
  const redactor = new Redactor(secretsOf(config));
  const api = new HttpClient({ baseUrl: apiBase(config.target), timeoutMs: config.timeoutMs, concurrency: config.concurrency });
  await assertReachable(api, config);
  const gitlabProjectIds = config.gitlabProjectIds.length ? config.gitlabProjectIds : await findGitlabProjects(api, config);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitlab-ci-conformance-'));
  const key = Ledger.newKey();
  const handoff: Handoff = {
    config: { ...config, gitlabProjectIds },
    ledgerFile: path.join(workDir, 'ledger'),
    ledgerKey: key.toString('base64'),
    resultsFile: path.join(workDir, 'results.jsonl'),
  };
  const ledger = new Ledger(handoff.ledgerFile, key);

  const finish = async (interrupted?: string): Promise<RunOutcome> => {
    const leftBehind = await sweep(api, config, ledger);
    const checks = readResults(handoff.resultsFile);
    const report = buildReport({
      target: config.target,
      profile: config.profile,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      leftBehind,
      interrupted,
      checks,
    });
    writeReports(config.reportDir, report, redactor);
    fs.rmSync(workDir, { recursive: true, force: true });
    printSummary(report, config.reportDir, log);
    return { report, exitCode: report.summary.failed > 0 || interrupted || leftBehind.length ? 1 : 0 };
  };

  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping; removing what the run created and writing the partial reports...`);
    void finish(`stopped by ${signal}`).then(
      () => process.exit(signal === 'SIGINT' ? 130 : 143),
      () => process.exit(2),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    process.env[HANDOFF_VARIABLE] = JSON.stringify(handoff);
    const unrecorded = await runSuites(config);
    const contracts = await verifyContracts({ ...config, gitlabProjectIds });
    for (const check of [...unrecorded, ...contracts]) appendResult(handoff.resultsFile, { ...check, reason: check.reason && redactor.text(check.reason) });
  } finally {
    delete process.env[HANDOFF_VARIABLE];
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return finish();
}

async function assertReachable(api: HttpClient, config: RunConfig): Promise<void> {
  try {
    await api.send({ method: 'GET', path: '/projects', query: { private_token: config.privateToken, url: config.gitlabUrl } });
  } catch (error) {
    const cause = error instanceof TransportError ? error.message : String(error);
    throw new CannotRunError(`target ${config.target} is unreachable: ${cause}`);
  }
}

async function findGitlabProjects(api: HttpClient, config: RunConfig): Promise<number[]> {
  const gitlab = new HttpClient({ baseUrl: `${config.gitlabUrl}/api/v3`, timeoutMs: config.timeoutMs, concurrency: config.concurrency });
  let ids: number[];
  try {
    ids = await discoverGitlabProjectIds({ gitlab, ci: api, privateToken: config.privateToken, gitlabUrl: config.gitlabUrl, wanted: GITLAB_IDS_WANTED, seed: config.runId });
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new CannotRunError(`could not list the GitLab projects at ${config.gitlabUrl}: ${cause}`);
  }
  if (ids.length < 3) {
    throw new CannotRunError(
      `found ${ids.length} GitLab project(s) the private token's user manages that have no CI project yet on the target; ` +
        'the run needs at least 3 (give more with --gitlab-project-ids)',
    );
  }
  return ids;
}

/** Removes what the suite files could not, newest first; answers what is still there. */
async function sweep(api: HttpClient, config: RunConfig, ledger: Ledger): Promise<string[]> {
  const leftBehind: string[] = [];
  for (const resource of ledger.outstanding()) {
    if (await removeThroughApi(api, config, resource)) ledger.removed(resource);
    else leftBehind.push(describeResource(resource));
  }
  return leftBehind;
}

function printSummary(report: RunReport, reportDir: string, log: (line: string) => void): void {
  const { passed, failed, skipped } = report.summary;
  log(`\n${passed} passed, ${failed} failed, ${skipped} skipped in ${(report.durationMs / 1000).toFixed(1)} s against ${report.target} (profile ${report.profile})`);
  const byRule = failuresByRule(report.checks);
  if (byRule.length) {
    log('Failures by rule:');
    for (const [rule, count] of byRule) log(`  ${rule}: ${count}`);
  }
  if (report.leftBehind.length) {
    log(`Could not remove, please remove by hand: ${report.leftBehind.join(', ')}`);
  }
  log(`Reports: ${path.join(reportDir, 'report.html')}, report.json, junit.xml`);
}
