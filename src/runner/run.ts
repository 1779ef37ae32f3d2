// The certification run, start to end: say what it will check, run the pre-flight (./preflight.ts), run
// the generated suites with Jest and the Pact verification, remove whatever is left, write the reports.
// Interrupted by a signal, it stops sending, still cleans up and writes what it has.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiBase, secretsOf, type RunConfig } from '../config/run-config';
import { HttpClient, NOT_SENT_STOPPING, STOP_FILE_VARIABLE, TransportError } from '../http/client';
import { loadPacts } from '../pact/files';
import { consoleRedactor, Redactor } from '../report/redact';
import { appendResult, readResults, type CheckResult } from '../report/results';
import { failuresByRule, formatCounts } from '../report/summary';
import { waiversSummary } from '../report/waivers';
import { buildReport, writeReports, type RunReport } from '../report/write';
import type { ApiDescription } from '../spec/types';
import { Ledger } from '../state/ledger';
import { Naming } from '../state/naming';
import { describeResource, describeUnanswered, removalMayHaveHappened, removeResource, resourceKey, type Resource, type Unanswered } from '../state/resources';
import { userAuth, type UserCredentials } from '../clients';
import { TOOL } from '../tool';
import { HANDOFF_VARIABLE, writeDescription, writePlan, type Handoff } from './handoff';
import { shareRun, verifyContracts } from './contracts';
import { GAVE_UP, runSuites, type SuiteEvents } from './jest';
import { PACT_UNIT, runPlan, type PlannedCheck } from './plan';
import { gitlabIdsWanted, requireReady } from './preflight';
import { Progress } from './progress';
import { targetName } from './target';

/** After this many removals in a row failed because the target did not answer, the rest are not tried. */
const SWEEP_GIVE_UP_AFTER = 3;

/** Slack after --timeout for a request in flight at a signal to have recorded what it created. */
const IN_FLIGHT_MARGIN_MS = 250;

/** Exit codes of a run stopped by a signal (128 + the signal's number, as shells report them). */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

export interface RunOutcome {
  report: RunReport;
  /** 0 passed, 1 failed or left something behind, 130/143 stopped by SIGINT/SIGTERM. */
  exitCode: number;
}

export async function certify(config: RunConfig, log: (line: string) => void, description: ApiDescription, embedded = false): Promise<RunOutcome> {
  const startedAt = new Date();
  const redactor = new Redactor(secretsOf(config));
  for (const secret of secretsOf(config)) consoleRedactor.add(secret);
  const planned = runPlan(description, loadPacts(), config);
  log(firstLine(config, planned, embedded));
  const gitlabProjectIds = await requireReady(config, log, gitlabIdsWanted(planned.length));
  log(`Seed ${config.seed} (the same generated inputs again: --seed ${config.seed})`);

  const api = new HttpClient({ baseUrl: apiBase(config.target), timeoutMs: config.timeoutMs, concurrency: config.concurrency, obeysStop: false });
  const { workDir, stopFile, handoff, ledger } = prepareWorkDir(config, gitlabProjectIds, planned, description);
  const progress = new Progress(planned, log);
  const signals = watchSignals(ledger, stopFile, log, () => progress.stop());
  try {
    if (!signals.interrupted) {
      const inFlightOver = signals.stopped.then(() => new Promise((resolve) => setTimeout(resolve, config.timeoutMs + IN_FLIGHT_MARGIN_MS)));
      await Promise.race([runChecksSafely({ config, handoff, planned, ledger, stopFile, redactor, progress }), inFlightOver]);
    }
    const leftBehind = await sweep(api, config, ledger);
    // Checks that never sent their requests because of the signal did not run: they are not reported.
    const interrupted = signals.interrupted;
    const checks = firstOfEach(readResults(handoff.resultsFile)).filter((c) => !(interrupted && c.reason?.includes(NOT_SENT_STOPPING)));
    progress.settle(checks, interrupted && `stopped by ${interrupted}`);
    const report = buildReport(config, {
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      leftBehind,
      interrupted: interrupted && `stopped by ${interrupted}`,
      checks,
    });
    writeReports(config.reportDir, report, redactor);
    printSummary(report, config.reportDir, log);
    const exitCode = interrupted ? (SIGNAL_EXIT[interrupted] ?? 1) : report.summary.failed > 0 || leftBehind.length ? 1 : 0;
    return { report, exitCode };
  } finally {
    signals.dispose();
    // Stopped, Jest may still be going through its cases: the stop file must outlive them.
    if (signals.interrupted) process.once('exit', () => fs.rmSync(workDir, { recursive: true, force: true }));
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** The run's first line, before anything is sent: what it certifies, how, and how many checks it plans. */
function firstLine(config: RunConfig, planned: PlannedCheck[], embedded: boolean): string {
  const shard = config.shard ? ` (shard ${config.shard.index}/${config.shard.total})` : '';
  return `${TOOL.name} ${TOOL.version}: certifying ${targetName(config, embedded)}, profile ${config.profile}: ${planned.length} checks planned${shard}`;
}

/** The run's private work directory: the stop file, the encrypted ledger, the results, the plan, the handoff to the suites. */
function prepareWorkDir(config: RunConfig, gitlabProjectIds: number[], planned: PlannedCheck[], description: ApiDescription) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitlab-ci-conformance-'));
  const key = Ledger.newKey();
  const handoff: Handoff = {
    config: { ...config, gitlabProjectIds },
    ledgerFile: path.join(workDir, 'ledger'),
    ledgerKey: key.toString('base64'),
    resultsFile: path.join(workDir, 'results.jsonl'),
    planFile: path.join(workDir, 'plan.json'),
    descriptionFile: path.join(workDir, 'description.json'),
  };
  writePlan(handoff.planFile, planned.map((c) => c.id));
  writeDescription(handoff.descriptionFile, description);
  return { workDir, stopFile: path.join(workDir, 'stop'), handoff, ledger: new Ledger(handoff.ledgerFile, key) };
}

/**
 * First signal: no new request leaves (the suites' clients see the stop file); once the requests in
 * flight are over (each ends within --timeout), everything the ledger holds is removed and the partial
 * reports are written, without waiting for the cases Jest still has to go through: they can send
 * nothing. A second signal: exit at once, naming what is still on the target.
 */
function watchSignals(ledger: Ledger, stopFile: string, log: (line: string) => void, onStopping: () => void) {
  let onStop: () => void = () => undefined;
  const watch = {
    interrupted: undefined as NodeJS.Signals | undefined,
    stopped: new Promise<void>((resolve) => (onStop = resolve)),
    dispose: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (watch.interrupted) {
      const left = [...ledger.outstanding().map(describeResource), ...describeUnanswered(ledger.unansweredCreations())];
      log(`${signal} again: exiting without finishing the clean-up.${left.length ? ` Still on the target, please remove by hand: ${left.join(', ')}` : ''}`);
      process.exit(SIGNAL_EXIT[signal] ?? 1);
    }
    watch.interrupted = signal;
    onStopping();
    fs.writeFileSync(stopFile, signal);
    log(`\n${signal}: stopping; removing what the run created and writing the partial reports (${signal} again to exit at once)...`);
    onStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return watch;
}

interface ChecksRun {
  config: RunConfig;
  handoff: Handoff;
  planned: PlannedCheck[];
  ledger: Ledger;
  stopFile: string;
  redactor: Redactor;
  progress: Progress;
}

/** Runs the suites and the Pact verification; whatever happens to them, the run goes on to its clean-up. */
async function runChecksSafely({ config, handoff, planned, ledger, stopFile, redactor, progress }: ChecksRun): Promise<void> {
  const interactions = new Set(planned.filter((c) => c.unit === PACT_UNIT).map((c) => c.id));
  const share = shareRun(config, handoff.config.gitlabProjectIds, interactions.size);
  process.env[HANDOFF_VARIABLE] = JSON.stringify({ ...handoff, config: share.suites });
  process.env[STOP_FILE_VARIABLE] = stopFile;
  let gaveUp = false;
  const record = (checks: CheckResult[]) => {
    for (const check of checks) appendResult(handoff.resultsFile, { ...check, reason: check.reason && redactor.text(check.reason) });
  };
  const suiteEvents: SuiteEvents = {
    fileStarted: (suite) => progress.started(suite),
    caseDone: (suite) => {
      progress.advance(suite);
      // The suite files run side by side: each says it ended when its last case did.
      if (progress.complete(suite)) progress.ended(suite, readResults(handoff.resultsFile).filter((c) => c.suite === suite));
    },
    fileDone: (suite, unrecorded) => {
      gaveUp ||= unrecorded.some((check) => check.reason?.startsWith(GAVE_UP));
      record(unrecorded.map((check) => asPlanned(check, planned)));
      progress.ended(suite, readResults(handoff.resultsFile).filter((c) => c.suite === suite));
    },
  };
  const verify = async (contracts: RunConfig) => {
    progress.started(PACT_UNIT);
    const checks = await verifyContracts(contracts, { planned: interactions, ledger, onReplayed: () => progress.advance(PACT_UNIT) });
    record(checks);
    progress.ended(PACT_UNIT, checks);
  };
  const suiteFiles = [...new Set(planned.map((c) => c.unit))].filter((unit) => unit !== PACT_UNIT);
  try {
    const contracts = share.contracts && share.together ? verify(share.contracts) : undefined;
    if (suiteFiles.length) await runSuites(share.suites, suiteFiles, suiteEvents);
    if (share.contracts) await (contracts ?? verify(share.contracts));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    appendResult(handoff.resultsFile, {
      id: 'suites',
      rule: 'SUITE-RUN',
      operation: 'suites/',
      title: 'the suites run to their end',
      status: 'failed',
      reason: redactor.text(`Jest stopped with an error: ${message.split('\n')[0]}`),
    });
  } finally {
    if (!fs.existsSync(stopFile)) record(neverRan(planned, readResults(handoff.resultsFile)));
    // A case Jest gave up on (its timeout) may still run in the background: it sends nothing more, and
    // the answer to its request in flight (a creation, maybe) reaches the ledger before the sweep reads it.
    if (!fs.existsSync(stopFile)) fs.writeFileSync(stopFile, 'done');
    if (gaveUp) await new Promise((resolve) => setTimeout(resolve, config.timeoutMs + IN_FLIGHT_MARGIN_MS));
    delete process.env[HANDOFF_VARIABLE];
    delete process.env[STOP_FILE_VARIABLE];
  }
}

/** One result per check: a case Jest gave up on (its timeout) may still record its own result afterwards. */
function firstOfEach(checks: CheckResult[]): CheckResult[] {
  const seen = new Set<string>();
  return checks.filter((c) => !seen.has(c.id) && Boolean(seen.add(c.id)));
}

/** A check Jest gave up on, known by its test's name: under the id and operation the plan gave it. */
function asPlanned(check: CheckResult, planned: PlannedCheck[]): CheckResult {
  const known = planned.find((p) => p.unit === check.suite && p.rule === check.rule && p.title === check.title);
  return known ? { ...check, id: known.id, operation: known.operation } : check;
}

/** Planned cases that recorded no result although the run was not stopped: failures, never silently missing. */
function neverRan(planned: PlannedCheck[], recorded: CheckResult[]): CheckResult[] {
  const ids = new Set(recorded.map((c) => c.id));
  return planned
    .filter((c) => c.unit !== PACT_UNIT && !ids.has(c.id))
    .map(({ id, rule, operation, title, unit }) => ({
      id,
      rule,
      operation,
      suite: unit,
      title,
      status: 'failed',
      reason: `planned, but it never ran: Jest ran no test of it (is ${unit} compiled to dist/suites? \`npm run build\` compiles it)`,
    }));
}

/**
 * Removes what the suite files could not, newest first, with a second try for what failed (a staging
 * server may fail one request); answers what is still there, by id and why. When the target stops
 * answering altogether, the rest is listed without waiting --timeout for each.
 */
async function sweep(api: HttpClient, config: RunConfig, ledger: Ledger): Promise<string[]> {
  const user = userOf(config);
  const failed = new Map<Resource, string>();
  const doubtful = ledger.doubtfulRemovals();
  let deadInARow = 0;
  let lastCause = '';
  for (const pass of [1, 2]) {
    const todo = pass === 1 ? ledger.outstanding() : [...failed.keys()];
    for (const resource of todo) {
      if (deadInARow >= SWEEP_GIVE_UP_AFTER) {
        failed.set(resource, `not tried, the target no longer answers (${lastCause})`);
        continue;
      }
      const removal = await removeResource(api, user, resource);
      const unanswered = 'error' in removal && removal.error instanceof TransportError ? removal.error : undefined;
      if (removal.gone) {
        ledger.removed(resource);
        failed.delete(resource);
        deadInARow = 0;
      } else {
        if (removalMayHaveHappened(removal)) doubtful.add(resourceKey(resource));
        failed.set(resource, unanswered ? unanswered.reason : 'the server refused to remove it');
        deadInARow = unanswered ? deadInARow + 1 : 0;
        if (unanswered) lastCause = unanswered.reason;
      }
    }
    if (failed.size === 0 || deadInARow >= SWEEP_GIVE_UP_AFTER) break;
  }
  const mayBeGone = (resource: Resource) => (doubtful.has(resourceKey(resource)) ? '; a request that removes it was sent (its answer lost, or a check\'s), so it may be gone' : '');
  const leftBehind = [...failed].map(([resource, why]) => `${describeResource(resource)}: ${why}${mayBeGone(resource)}`);
  const listed = new Set([...failed.keys()].flatMap((r) => (r.kind === 'project' ? [r.id] : [])));
  return [...leftBehind, ...(await sweepUnanswered(api, config, deadInARow < SWEEP_GIVE_UP_AFTER, listed, ledger.unansweredCreations()))];
}

/**
 * A creation that got no usable answer (a timeout, a connection lost, a 2xx without what it made) may
 * still have happened: it is not in the ledger. Projects are found by name in the user's listing (every
 * name the run gives marks it as the run's: src/state/naming.ts) and removed; what cannot be looked for
 * (runners: the API lists no descriptions), or when the target cannot be asked, is listed by the names
 * to look for.
 */
async function sweepUnanswered(api: HttpClient, config: RunConfig, targetAnswers: boolean, listed: Set<number>, unanswered: Unanswered[]): Promise<string[]> {
  const found = targetAnswers ? await removeProjectsOfRun(api, config, listed) : undefined;
  if (found === undefined) return describeUnanswered(unanswered);
  return [...found, ...describeUnanswered(unanswered.filter((u) => u.kind !== 'project'))];
}

/** Removes the projects named by the run that are not listed yet; answers those it could not remove, undefined when the listing failed. */
async function removeProjectsOfRun(api: HttpClient, config: RunConfig, listed: Set<number>): Promise<string[] | undefined> {
  const naming = new Naming(config.runId);
  const user = userOf(config);
  try {
    const listing = await api.send({ method: 'GET', path: '/projects', ...userAuth(user) });
    if (!Array.isArray(listing.body)) return undefined;
    const ours = (listing.body as Array<{ id: number; name?: unknown; gitlab_id?: number }>).filter((p) => naming.isOfRun(String(p.name)) && !listed.has(p.id));
    const left: string[] = [];
    for (const project of ours) {
      const resource: Resource = { kind: 'project', id: project.id, gitlabId: project.gitlab_id };
      if (!(await removeResource(api, user, resource)).gone) left.push(`${describeResource(resource)}: the server refused to remove it`);
    }
    return left;
  } catch {
    return undefined;
  }
}

function userOf(config: RunConfig): UserCredentials {
  return { privateToken: config.privateToken, gitlabUrl: config.gitlabUrl };
}

function printSummary(report: RunReport, reportDir: string, log: (line: string) => void): void {
  const how = report.interrupted ? ` (${report.interrupted}: partial)` : '';
  log(`\n${formatCounts(report.summary)} in ${(report.durationMs / 1000).toFixed(1)} s against ${report.target} (profile ${report.profile})${how}`);
  for (const note of report.notes ?? []) log(`Note: ${note}`);
  for (const line of waiversSummary(report.waivers)) log(line);
  const byRule = failuresByRule(report.checks);
  if (byRule.length) {
    log('Failures by rule:');
    for (const [rule, count] of byRule) log(`  ${rule}: ${count}`);
  }
  if (report.leftBehind.length) {
    log(`Could not remove ${report.leftBehind.length} resource(s) the run created; please remove by hand:`);
    for (const item of report.leftBehind) log(`  ${item}`);
  }
  log(`Reports: ${path.join(reportDir, 'report.html')}, report.json, junit.xml`);
}
