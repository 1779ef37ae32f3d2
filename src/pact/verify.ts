// Pact provider verification against ANY target: every interaction of every pact in contracts/pacts is
// replayed against the target, after its provider states were set up through the target's own API
// (states.ts, with the fixtures of src/state), and everything they and the replayed request created is
// removed again, whatever the outcome. Returns data (one entry per interaction); printing is the caller's job.
//
//   verifier (child process) ──replayed requests──> recorder proxy ──> target /api/v1
//            └──state change calls──> state server ──typed clients──> target /api/v1
//
// The recorder proxy hands what the replayed requests created to the fixtures, which record what is
// the run's own (src/state/resources.ts) so that it is removed too, and notes the tokens it saw, so
// that none reaches a result.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { CannotRunError } from '../errors';
import { apiBase, secretsOf, type RunConfig } from '../config/run-config';
import { jsonOf, startProxy, type ProxiedRequest, type ProxiedResponse } from '../http/proxy';
import { HttpClient, STOP_FILE_VARIABLE } from '../http/client';
import { secretVariables, type Evidence } from '../report/evidence';
import { Redactor, tokensIn } from '../report/redact';
import { Fixtures, type Leftover } from '../state/fixtures';
import { discoverGitlabProjectIds } from '../state/gitlab-discovery';
import { claiming, GitlabIdPool, mayBeTaken, type ClaimRefusal } from '../state/gitlab-id-pool';
import type { Ledger } from '../state/ledger';
import { Naming } from '../state/naming';
import { describeResource } from '../state/resources';
import { loadPacts, PACTS_DIR, type PactInteraction, type PactFile } from './files';
import { ReplayRecorder } from './replays';
import { gitlabIdsHeld, Interaction, isProviderState, PROVIDER_STATES, type StateValues } from './states';
import { runVerifier, type VerifierJson } from './verifier-process';

/** waived: a failure a waiver of --waivers covers (verify-pacts). */
export type InteractionStatus = 'passed' | 'failed' | 'skipped' | 'waived';

export interface InteractionResult {
  consumer: string;
  provider: string;
  description: string;
  /** The provider states, in order. */
  states: string[];
  status: InteractionStatus;
  /** What did not match, one line each (tokens redacted). */
  mismatches: string[];
  /** Why it was skipped, or why it failed beyond the mismatches (a state that could not be set up). */
  reason?: string;
  durationMs?: number;
  /** Of a failed interaction: the replayed request, the provider's answer, the state set-up it used. */
  evidence?: Evidence;
}

export interface VerificationResult {
  target: string;
  startedAt: string;
  durationMs: number;
  /** waived: only where verify-pacts applied waivers. */
  summary: { passed: number; failed: number; skipped: number; waived?: number };
  interactions: InteractionResult[];
  /** Resources the run created and could not remove (described without secrets). */
  cleanupFailures: string[];
  /** The verifier's own report, ANSI codes stripped and tokens redacted. */
  verifierOutput: string;
}

export interface VerifyPactsOptions {
  /** Where the pacts are; default contracts/pacts. */
  pactDir?: string;
  /** The run's ledger, when the verification is part of a run: what the states create is also removed by the run's sweep. */
  ledger?: Pick<Ledger, 'created' | 'removed' | 'unanswered' | 'removalInDoubt'>;
  /** Only the pacts of these consumers. */
  consumers?: string[];
  /** Only these interactions (by consumer and description): the others are neither run nor reported. */
  interactions?: (consumer: string, description: string) => boolean;
  /** Told each time the verifier has replayed an interaction's request (progress). */
  onReplayed?: () => void;
  /**
   * GitLab project ids reserved for this verification (it holds at most two at once). Default:
   * config.gitlabProjectIds, else discovered through the GitLab API.
   */
  gitlabProjectIds?: number[];
  /** Pact's own log level; never more verbose than warn (debug logs would show tokens). */
  logLevel?: 'warn' | 'error';
}

/** GitLab ids one interaction may hold at once (a project and the fork, or two projects). */
const GITLAB_IDS_NEEDED = 2;

/** GitLab ids a lane wants: the states of its next interactions are set up ahead while these last. */
const LANE_GITLAB_IDS = 6;

/** Requests a lane wants in flight: the replayed one, the set-ups ahead, the removals of ended interactions. */
const LANE_CONCURRENCY = 6;

/**
 * The verifier replays the interactions of a pact one after the other; the pacts (one per consumer) are
 * replayed side by side, each in a lane of its own: its verifier, state server, GitLab ids and share of
 * the requests in flight. Over a slow network one long chain of round trips would be the run's longest.
 */
const CONTRACT_LANES = 3;

/** GitLab ids the verification needs to run all its lanes, and those it makes use of. */
export const CONTRACT_GITLAB_IDS = { needed: CONTRACT_LANES * GITLAB_IDS_NEEDED, wanted: CONTRACT_LANES * LANE_GITLAB_IDS };

/** Requests in flight the verification makes use of. */
export const CONTRACT_CONCURRENCY = CONTRACT_LANES * LANE_CONCURRENCY;

/** What the lanes of one verification share, and a lane's share of the GitLab ids. */
interface Lanes {
  options: VerifyPactsOptions;
  results: Map<PactInteraction, InteractionResult>;
  redactor: Redactor;
  gitlabIds: GitlabIdPool;
  laneGitlabIds: number;
}

export async function verifyPacts(config: RunConfig, options: VerifyPactsOptions = {}): Promise<VerificationResult> {
  const started = Date.now();
  const redactor = new Redactor(secretsOf(config));
  const pacts = loadPacts(options.pactDir ?? PACTS_DIR).filter(({ pact }) => !options.consumers || options.consumers.includes(pact.consumer.name));
  const results = new Map<PactInteraction, InteractionResult>();
  const chosen = options.interactions;
  const plans = planInteractions(
    config,
    chosen ? pacts.map(({ file, pact }) => ({ file, pact: { ...pact, interactions: pact.interactions.filter((i) => chosen(pact.consumer.name, i.description)) } })) : pacts,
    results,
  );
  const replayed = plans.length > 0 ? await replayInLanes(config, { options, results, redactor }, plans) : { cleanupFailures: [], verifierOutput: '' };
  const interactions = [...results.values()];
  return {
    target: config.target,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    summary: {
      passed: interactions.filter((r) => r.status === 'passed').length,
      failed: interactions.filter((r) => r.status === 'failed').length,
      skipped: interactions.filter((r) => r.status === 'skipped').length,
    },
    interactions,
    cleanupFailures: replayed.cleanupFailures.map((f) => redactor.text(f)),
    verifierOutput: replayed.verifierOutput,
  };
}

/** The pacts to replay, each with the interactions that can run; the others get their result now. */
type Plan = { file: string; pact: PactFile; run: PactInteraction[] };

function planInteractions(config: RunConfig, pacts: Array<{ file: string; pact: PactFile }>, results: Map<PactInteraction, InteractionResult>): Plan[] {
  const plans: Plan[] = [];
  for (const { file, pact } of pacts) {
    const run: PactInteraction[] = [];
    for (const interaction of pact.interactions) {
      const result = newResult(pact, interaction);
      results.set(interaction, result);
      const unknown = result.states.filter((s) => !isProviderState(s));
      if (unknown.length > 0) {
        Object.assign(result, { status: 'failed', reason: `no handler for the provider state ${unknown.map((s) => `"${s}"`).join(', ')} (add it to src/pact/states.ts)` });
      } else if (!config.registrationToken && result.states.some((s) => isProviderState(s) && PROVIDER_STATES[s].needsRegistrationToken)) {
        Object.assign(result, { status: 'skipped', reason: 'needs the runners registration token (--registration-token or GITLAB_CI_REGISTRATION_TOKEN)' });
      } else {
        run.push(interaction);
      }
    }
    if (run.length > 0) plans.push({ file, pact, run });
  }
  return plans;
}

/** The pacts in lanes, as many as the GitLab ids allow (a lane holds at least GITLAB_IDS_NEEDED), replayed at once. */
async function replayInLanes(config: RunConfig, shared: Pick<Lanes, 'options' | 'results' | 'redactor'>, plans: Plan[]): Promise<{ cleanupFailures: string[]; verifierOutput: string }> {
  const discovery = new HttpClient({ baseUrl: apiBase(config.target), timeoutMs: config.timeoutMs, concurrency: config.concurrency });
  const ids = await gitlabIdsFor(config, shared.options, discovery, LANE_GITLAB_IDS * Math.min(CONTRACT_LANES, plans.length));
  const count = Math.max(1, Math.min(CONTRACT_LANES, plans.length, Math.floor(ids.length / GITLAB_IDS_NEEDED), config.concurrency));
  const plansOf = (lane: number) => plans.filter((_plan, i) => i % count === lane);
  // One pool for all lanes: a lane whose id another client took meanwhile claims another of them.
  const gitlabIds = new GitlabIdPool(ids);
  // A lane's share of --concurrency: the verifier's replayed request, and the state client's requests.
  const laneConfig = { ...config, concurrency: Math.floor(config.concurrency / count) };
  const lanes: Lanes = { ...shared, gitlabIds, laneGitlabIds: Math.floor(ids.length / count) };
  const replayed = await Promise.all(Array.from({ length: count }, (_, lane) => replay(laneConfig, lanes, plansOf(lane))));
  return { cleanupFailures: replayed.flatMap((r) => r.cleanupFailures), verifierOutput: replayed.map((r) => r.verifierOutput).join('') };
}

/**
 * Replays the planned interactions with the verifier against the recorder proxy, their states set up
 * by the state server, and removes what they created whatever happens.
 */
async function replay(config: RunConfig, lanes: Lanes, plans: Plan[]): Promise<{ cleanupFailures: string[]; verifierOutput: string }> {
  const replays = new ReplayRecorder(config.target, secretVariables(config));
  const { options, results, redactor } = lanes;
  const session = StateSession.start(config, lanes, replays);
  /** Runs of the verifier so far (an interaction replayed again is not progress). */
  let rounds = 0;
  const recorder = await startProxy({
    target: config.target,
    exchange: async (req, send) => {
      replays.received(req);
      const res = await send(req).catch((error: unknown) => {
        session.unanswered(req, error);
        throw error;
      });
      replays.answered(req, res);
      session.record(req, res);
      if (rounds <= 1) options.onReplayed?.();
      return res;
    },
  });
  const stateServer = await startStateServer(session);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pact-verify-'));
  const cleanupFailures: string[] = [];
  const outputs: string[] = [];
  const stopping = watchStopFile();
  try {
    // Interactions whose replayed creation met a GitLab project another run took are replayed again,
    // with other ones, as the suites' cases are (the policy is claiming's).
    let todo = plans;
    const urls = { providerBaseUrl: recorder.url, providerStatesSetupUrl: stateServer.url };
    await claiming(
      async () => {
        const round = await replayRound(todo, { session, replays, results, redactor, urls, workDir: path.join(workDir, String(rounds++)), stop: stopping.signal, timeoutMs: config.timeoutMs, logLevel: options.logLevel ?? 'error' });
        outputs.push(round.output);
        todo = round.again;
        return round.refusal;
      },
      (refusal) => refusal,
    );
    return { cleanupFailures, verifierOutput: redactor.text(outputs.join('\n').replace(/\x1b\[[0-9;]*m/g, '')) };
  } finally {
    stopping.dispose();
    cleanupFailures.push(...(await session.finish()));
    await Promise.all([recorder.close(), stateServer.close()]);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

interface Round {
  session: StateSession;
  replays: ReplayRecorder;
  results: Map<PactInteraction, InteractionResult>;
  redactor: Redactor;
  urls: { providerBaseUrl: string; providerStatesSetupUrl: string };
  workDir: string;
  stop?: AbortSignal;
  timeoutMs: number;
  logLevel: 'warn' | 'error';
}

/**
 * One run of the verifier over `plans`: their results, and the interactions to replay again (a replayed
 * creation refused on a GitLab project the states took), with what that refusal met.
 */
async function replayRound(plans: Plan[], round: Round): Promise<{ output: string; again: Plan[]; refusal?: ClaimRefusal }> {
  const { session, replays, results, redactor } = round;
  session.newRound(plans.flatMap((p) => p.run));
  replays.newRound();
  fs.mkdirSync(round.workDir);
  const jobs = plans.map((plan, k) => {
    const pactFile = path.join(round.workDir, `${k}-${path.basename(plan.file)}`);
    fs.writeFileSync(pactFile, JSON.stringify({ ...plan.pact, interactions: plan.run }));
    return { pactFile, ...round.urls, timeoutMs: round.timeoutMs, logLevel: round.logLevel };
  });
  const { outcomes, output } = await runVerifier(jobs, round.stop);
  // What a refused creation met is known once its interaction is closed.
  await session.endRound();
  plans.forEach((plan, k) => {
    const outcome = outcomes.find((o) => o.pactFile === jobs[k].pactFile);
    for (const interaction of plan.run) {
      const result = newResult(plan.pact, interaction);
      results.set(interaction, result);
      applyOutcome(result, interaction, outcome?.json, outcome?.error ?? 'the verifier gave no result', redactor);
    }
  });
  blameStateFailures(plans, session.interactions, results);
  attachEvidence(plans, replays, results, redactor);
  return { output, ...refusedClaims(plans, session.interactions, results) };
}

/** The failed interactions whose replayed creation was refused on a GitLab project the states took, and what that met. */
function refusedClaims(plans: Plan[], seen: Interaction[], results: Map<PactInteraction, InteractionResult>): { again: Plan[]; refusal?: ClaimRefusal } {
  if (!attributable(plans, seen)) return { again: [] };
  const claims = new Map(plans.flatMap((p) => p.run).map((interaction, k) => [interaction, seen[k].claim] as const));
  const retried = (interaction: PactInteraction) => results.get(interaction)?.status === 'failed' && claims.get(interaction) !== undefined;
  const again = plans.map((plan) => ({ ...plan, run: plan.run.filter(retried) })).filter((plan) => plan.run.length > 0);
  const met = again.flatMap((plan) => plan.run.map((i) => claims.get(i)));
  return { again, refusal: met.includes('taken') ? 'taken' : met[0] };
}

/**
 * Aborted when the run is told to stop (its stop file appears): the verifier replays through the
 * recorder, which does not read the stop file, so it is ended instead; else what it registered after
 * the run's sweep read the ledger would stay on the target.
 */
function watchStopFile(): { signal?: AbortSignal; dispose(): void } {
  const file = process.env[STOP_FILE_VARIABLE];
  if (!file) return { dispose: () => undefined };
  const controller = new AbortController();
  const timer = setInterval(() => fs.existsSync(file) && controller.abort(), 100);
  timer.unref();
  return { signal: controller.signal, dispose: () => clearInterval(timer) };
}

/**
 * The verifier replays interactions one after the other in pact order and calls the state server for
 * each of their states (or once with "" when there is none): the k-th interaction seen is the k-th
 * planned. Checked, so that a state failure is never pinned on the wrong interaction.
 */
function blameStateFailures(plans: Plan[], seen: Interaction[], results: Map<PactInteraction, InteractionResult>): void {
  const planned = plans.flatMap((p) => p.run);
  if (!attributable(plans, seen)) return;
  planned.forEach((interaction, k) => {
    if (!seen[k].failure) return;
    const result = results.get(interaction)!;
    result.status = 'failed';
    result.reason = `a provider state could not be set up: ${seen[k].failure}`;
  });
}

/** The replayed request and the provider's answer of every failed interaction (one replay per interaction, in order: checked). */
function attachEvidence(plans: Plan[], replays: ReplayRecorder, results: Map<PactInteraction, InteractionResult>, redactor: Redactor): void {
  const planned = plans.flatMap((p) => p.run);
  const inOrder = replays.replays.length === planned.length && planned.every((i, k) => i.request.method === replays.replays[k].request.method);
  if (!inOrder) return;
  planned.forEach((interaction, k) => {
    const result = results.get(interaction)!;
    if (result.status === 'failed') result.evidence = replays.evidence(k, redactor);
  });
}

/** Whether the k-th interaction the state server saw is the k-th planned (see blameStateFailures). */
function attributable(plans: Plan[], seen: Interaction[]): boolean {
  const planned = plans.flatMap((p) => p.run);
  return seen.length === planned.length && planned.every((i, k) => sameStates(i, seen[k].states));
}

function newResult(pact: PactFile, interaction: PactInteraction): InteractionResult {
  return {
    consumer: pact.consumer.name,
    provider: pact.provider.name,
    description: interaction.description,
    states: statesOf(interaction),
    status: 'failed',
    mismatches: [],
  };
}

function sameStates(interaction: PactInteraction, seen: string[]): boolean {
  const expected = statesOf(interaction);
  return JSON.stringify(expected.length ? expected : ['']) === JSON.stringify(seen);
}

function applyOutcome(result: InteractionResult, interaction: PactInteraction, json: VerifierJson | undefined, error: string, redactor: Redactor): void {
  if (!json) {
    result.status = 'failed';
    result.reason = `the Pact verifier could not run: ${redactor.text(error)}`;
    return;
  }
  const own = json.interactionResults?.find((r) => r.description === interaction.description);
  const errors = (json.errors ?? []).filter((e) => e.interaction === interaction.description || e.interaction.endsWith(` - ${interaction.description}`));
  result.durationMs = own?.duration ? Number.parseInt(own.duration, 10) || undefined : undefined;
  if (errors.length === 0 && (own ? /^ok/i.test(own.result) : json.result)) {
    result.status = 'passed';
    return;
  }
  result.status = 'failed';
  for (const e of errors) {
    const m = e.mismatch;
    if (m?.mismatches?.length) result.mismatches.push(...m.mismatches.map((x) => redactor.text(`${x.path ? `${x.path}: ` : ''}${x.mismatch ?? x.type ?? 'mismatch'}`)));
    else if (m?.message) result.mismatches.push(redactor.text(m.message));
  }
  if (result.mismatches.length === 0) result.reason = 'the verifier reported a failure without details';
}

async function gitlabIdsFor(config: RunConfig, options: VerifyPactsOptions, api: HttpClient, wanted: number): Promise<number[]> {
  if (options.gitlabProjectIds?.length) return [...options.gitlabProjectIds];
  if (config.gitlabProjectIds.length) return [...config.gitlabProjectIds];
  try {
    return await discoverGitlabProjectIds({
      gitlab: new HttpClient({ baseUrl: `${config.gitlabUrl}/api/v3`, timeoutMs: config.timeoutMs, concurrency: config.concurrency }),
      ci: api,
      privateToken: config.privateToken,
      gitlabUrl: config.gitlabUrl,
      wanted,
      seed: `${config.runId}-pact`, // not the suites' seed: a run doing both at once reaches for other ids first
    });
  } catch (error) {
    throw new CannotRunError(`Pact verification: could not find GitLab projects for its CI projects: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A planned interaction's states: set up (or being set up) ahead of the verifier, and the GitLab ids they hold. */
interface Prepared {
  interaction: Interaction;
  ready: Promise<void>;
  gitlabIds: number;
}

/**
 * The provider-state side of a verification: one Interaction per planned interaction, in order. The states
 * of the next interactions are set up ahead, while the verifier replays the current one, as far as the
 * lane's GitLab ids allow; the verifier's state calls then only collect their values. (Over a slow network
 * a chain of set-up requests before every replayed request made the verification the run's longest chain.)
 */
class StateSession {
  private planned: PactInteraction[] = [];
  /** The set-up of the round's interactions, in plan order, as far as it has begun. */
  private prepared: Prepared[] = [];
  /** Set up and not closed yet. */
  private readonly open = new Set<Prepared>();
  /** GitLab ids the open interactions may hold. */
  private holding = 0;
  /** Interactions the verifier began in this round. */
  private begun = 0;
  private current: Prepared | undefined;
  private active = 0;
  private readonly failures: string[] = [];
  /** Removals of ended interactions, under way while the next ones replay. */
  private readonly removals: Array<Promise<void>> = [];

  private constructor(
    private readonly fixtures: Fixtures,
    private readonly base: StateValues,
    private readonly registrationToken: string | undefined,
    private readonly redactor: Redactor,
    /** Whether set-ups and removals run beside the replayed request, and the GitLab ids the set-ups ahead may hold. */
    private readonly ahead: { overlap: boolean; gitlabIds: number },
  ) {}

  static start(config: RunConfig, lanes: Lanes, replays: ReplayRecorder): StateSession {
    const { redactor } = lanes;
    const overlap = config.concurrency >= 2;
    const api = new HttpClient({
      baseUrl: apiBase(config.target),
      timeoutMs: config.timeoutMs,
      concurrency: overlap ? config.concurrency - 1 : 1,
      onExchange: (request, outcome) => {
        // Tokens the states come to know (projects, runners) are secrets too.
        if ('status' in outcome) for (const token of tokensIn(outcome.body)) redactor.add(token);
        replays.onExchange(request, outcome);
      },
    });
    const user = { privateToken: config.privateToken, gitlabUrl: config.gitlabUrl };
    const fixtures = new Fixtures({
      api,
      user,
      naming: new Naming(config.runId),
      gitlabIds: lanes.gitlabIds,
      // A state may wait for the id an ended interaction's removal is giving back.
      claimTimeoutMs: config.timeoutMs,
      ledger: lanes.options.ledger,
    });
    return new StateSession(fixtures, user, config.registrationToken, redactor, { overlap, gitlabIds: lanes.laneGitlabIds });
  }

  /** The interactions of the round so far, in plan order (then any the plan did not have). */
  get interactions(): Interaction[] {
    return this.prepared.map((p) => p.interaction);
  }

  /** A new run of the verifier over `planned`: its interactions are counted from the first again. */
  newRound(planned: PactInteraction[]): void {
    this.planned = planned;
    this.prepared = [];
    this.begun = 0;
    this.setUpAhead();
  }

  /** Ends the round: closes what it set up and the verifier did not end (one that stopped early), and waits for every removal. */
  async endRound(): Promise<void> {
    this.planned = this.planned.slice(0, this.prepared.length); // nothing more is set up
    this.current = undefined;
    this.active = 0;
    for (const prepared of [...this.open]) void this.end(prepared);
    await Promise.all(this.removals);
  }

  /** Removes whatever is left; answers every removal that failed. */
  async finish(): Promise<string[]> {
    await this.endRound();
    return this.failures;
  }

  async change(action: string, state: string): Promise<StateValues> {
    if (action === 'setup') return this.setup(state);
    if (action === 'teardown' && this.active > 0) {
      this.active -= 1;
      if (this.active === 0 && this.current) {
        const removal = this.end(this.current);
        this.current = undefined;
        if (!this.ahead.overlap) await removal;
      }
    }
    return {};
  }

  /** A state of the interaction the verifier is on, or the first of its next one: the values, once set up. */
  private async setup(state: string): Promise<StateValues> {
    if (this.active === 0) this.current = this.begin();
    this.active += 1;
    const { interaction, ready } = this.current!;
    interaction.states.push(state);
    await ready;
    return interaction.values;
  }

  private begin(): Prepared {
    const k = this.begun++;
    while (this.prepared.length <= k && this.prepared.length < this.planned.length) this.setUpNext();
    // More interactions than planned: attributable() finds the round out of step.
    return this.prepared[k] ?? this.track({ interaction: new Interaction(this.base, this.fixtures.scope()), ready: Promise.resolve(), gitlabIds: 0 });
  }

  /** Sets up the next planned interactions while the GitLab ids they hold fit the budget (always one). */
  private setUpAhead(): void {
    // Without room beside the replayed request, each interaction is set up when the verifier asks for it.
    if (!this.ahead.overlap) return;
    while (this.prepared.length < this.planned.length) {
      const next = gitlabIdsHeld(statesOf(this.planned[this.prepared.length]));
      if (this.holding > 0 && this.holding + next > this.ahead.gitlabIds) return;
      this.setUpNext();
    }
  }

  private setUpNext(): void {
    const planned = this.planned[this.prepared.length];
    const interaction = new Interaction(this.base, this.fixtures.scope());
    this.track({ interaction, ready: this.setUpStates(interaction, planned.providerStates ?? []), gitlabIds: gitlabIdsHeld(statesOf(planned)) });
  }

  private track(prepared: Prepared): Prepared {
    this.prepared.push(prepared);
    this.open.add(prepared);
    this.holding += prepared.gitlabIds;
    return prepared;
  }

  /** The states in order; the first that cannot be set up is the interaction's failure, and the rest are not tried. */
  private async setUpStates(interaction: Interaction, states: NonNullable<PactInteraction['providerStates']>): Promise<void> {
    for (const { name, params = {} } of states) {
      if (interaction.failure || !isProviderState(name)) continue;
      try {
        Object.assign(interaction.values, (await PROVIDER_STATES[name].setup(interaction, params, this.registrationToken)) ?? {});
      } catch (error) {
        interaction.failure = this.redactor.text(`"${name}": ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Closes an interaction once its set-up is over; the ids it held let the next ones be set up. */
  private end(prepared: Prepared): Promise<void> {
    if (!this.open.delete(prepared)) return Promise.resolve();
    const removal = prepared.ready
      .then(() => this.close(prepared.interaction))
      .then((left) => {
        this.failures.push(...left);
        this.holding -= prepared.gitlabIds;
        this.setUpAhead();
      });
    this.removals.push(removal);
    return removal;
  }

  /** Hands what a replayed request created to the fixtures (they keep what is the run's own); notes its tokens. */
  record(request: ProxiedRequest, response: ProxiedResponse): void {
    const body = jsonOf(response);
    for (const token of tokensIn(body)) this.redactor.add(token);
    if (!this.current) return;
    const { interaction } = this.current;
    this.fixtures.record(sentOf(request), { status: response.status, body }, interaction.scope);
    if (request.method === 'POST' && mayBeTaken(response.status)) interaction.refusedWith = response.status;
  }

  /**
   * Ends an interaction: what a refused replayed creation met on the GitLab ids its states took (before
   * they are given back), then removes what it created; answers every removal that failed.
   */
  private async close(interaction: Interaction): Promise<string[]> {
    if (interaction.refusedWith !== undefined) interaction.claim = await this.fixtures.claimRefusalOn(interaction.scope.reservedGitlabIds, interaction.refusedWith);
    const left: Leftover[] = await interaction.scope.close();
    return left.map(({ resource, why }) => `could not remove ${describeResource(resource)}: ${why}`);
  }

  /** Notes a replayed request the target did not answer: it may have made (or removed) something all the same. */
  unanswered(request: ProxiedRequest, error: unknown): void {
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') return; // it never reached the target
    this.fixtures.noAnswer(sentOf(request), `got no answer: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function statesOf(interaction: PactInteraction): string[] {
  return (interaction.providerStates ?? []).map((s) => s.name);
}

/** A replayed request, as the fixtures judge what it creates or removes: its path below /api/v1 and its body bytes. */
function sentOf(request: ProxiedRequest) {
  return { method: request.method, path: request.path.replace(/^\/api\/v1/, ''), rawBody: request.body };
}


/** The endpoint the verifier calls to set up and tear down provider states. */
async function startStateServer(session: StateSession): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      let change: { action?: string; state?: string } = {};
      try {
        change = JSON.parse(text || '{}');
      } catch {
        // An unreadable call changes nothing.
      }
      session
        .change(change.action ?? '', change.state ?? '')
        .catch(() => ({}))
        .then((values) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(values));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/pact-states`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
