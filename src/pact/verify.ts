// Pact provider verification against ANY target: every interaction of every pact in contracts/pacts is
// replayed against the target, after its provider states were set up through the target's own API
// (states.ts, with the typed clients), and everything they and the replayed request created is removed
// again, whatever the outcome. Returns data (one entry per interaction); printing is the caller's job.
//
//   verifier (child process) ──replayed requests──> recorder proxy ──> target /api/v1
//            └──state change calls──> state server ──typed clients──> target /api/v1
//
// The recorder proxy notes what the replayed requests created (a registered runner, a CI project, a
// fork, a link) so that it is removed too, and the tokens it saw, so that none reaches a result.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { CannotRunError } from '../cli/errors';
import { apiBase, secretsOf, type RunConfig } from '../config/run-config';
import { jsonOf, startFaultProxy, type ProxiedRequest, type ProxiedResponse } from '../faults/proxy';
import { HttpClient } from '../http/client';
import { secretVariables, type Evidence } from '../report/evidence';
import { Redactor } from '../report/redact';
import { discoverGitlabProjectIds } from '../state/gitlab-discovery';
import type { Ledger } from '../state/ledger';
import { loadPacts, PACTS_DIR, type PactInteraction, type PactFile } from './files';
import { ReplayRecorder } from './replays';
import { NEEDS_REGISTRATION_TOKEN, removeCreated, Scope, stateHandlers, type StateEnvironment, type StateValues } from './states';
import { runVerifier, type VerifierJson } from './verifier-process';

export type InteractionStatus = 'passed' | 'failed' | 'skipped';

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
  summary: { passed: number; failed: number; skipped: number };
  interactions: InteractionResult[];
  /** Resources the run created and could not remove (described without secrets). */
  cleanupFailures: string[];
  /** The verifier's own report, ANSI codes stripped and tokens redacted. */
  verifierOutput: string;
}

export interface VerifyPactsOptions {
  /** Where the pacts are; default contracts/pacts. */
  pactDir?: string;
  /** The run's ledger, when the verification is part of a run (see StateEnvironment). */
  ledger?: Pick<Ledger, 'created' | 'removed'>;
  /** Only the pacts of these consumers. */
  consumers?: string[];
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

export async function verifyPacts(config: RunConfig, options: VerifyPactsOptions = {}): Promise<VerificationResult> {
  const started = Date.now();
  const redactor = new Redactor(secretsOf(config));
  const pacts = loadPacts(options.pactDir ?? PACTS_DIR).filter(({ pact }) => !options.consumers || options.consumers.includes(pact.consumer.name));
  const results = new Map<PactInteraction, InteractionResult>();
  const plans: Array<{ file: string; pact: PactFile; run: PactInteraction[] }> = [];

  for (const { file, pact } of pacts) {
    const run: PactInteraction[] = [];
    for (const interaction of pact.interactions) {
      const result = newResult(pact, interaction);
      results.set(interaction, result);
      const unknown = result.states.filter((s) => !(s in stateHandlers));
      if (unknown.length > 0) {
        Object.assign(result, { status: 'failed', reason: `no handler for the provider state ${unknown.map((s) => `"${s}"`).join(', ')} (add it to src/pact/states.ts)` });
      } else if (!config.registrationToken && result.states.some((s) => NEEDS_REGISTRATION_TOKEN.has(s))) {
        Object.assign(result, { status: 'skipped', reason: 'needs the runners registration token (--registration-token or GITLAB_CI_REGISTRATION_TOKEN)' });
      } else {
        run.push(interaction);
      }
    }
    if (run.length > 0) plans.push({ file, pact, run });
  }

  const cleanupFailures: string[] = [];
  let verifierOutput = '';
  if (plans.length > 0) {
    const replays = new ReplayRecorder(config.target, secretVariables(config));
    const api = new HttpClient({ baseUrl: apiBase(config.target), timeoutMs: config.timeoutMs, concurrency: config.concurrency, onExchange: replays.onExchange });
    const pool = await gitlabIdsFor(config, options, api);
    const env: StateEnvironment = {
      api,
      privateToken: config.privateToken,
      gitlabUrl: config.gitlabUrl,
      registrationToken: config.registrationToken,
      runId: config.runId,
      takeGitlabId: () => pool.shift(),
      releaseGitlabId: (id) => void (pool.includes(id) || pool.push(id)),
      onSecret: (s) => redactor.add(s),
      ledger: options.ledger,
    };
    const session = new StateSession(env, { privateToken: config.privateToken, gitlabUrl: config.gitlabUrl }, redactor);
    const recorder = await startFaultProxy({
      target: config.target,
      rewriteRequest: (req) => void replays.received(req),
      rewrite: (req, res) => {
        replays.answered(req, res);
        session.record(req, res);
      },
    });
    const stateServer = await startStateServer(session);
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pact-verify-'));
    try {
      const jobs = plans.map((plan, k) => {
        const pactFile = path.join(workDir, `${k}-${path.basename(plan.file)}`);
        fs.writeFileSync(pactFile, JSON.stringify({ ...plan.pact, interactions: plan.run }));
        return { pactFile, providerBaseUrl: recorder.url, providerStatesSetupUrl: stateServer.url, timeoutMs: config.timeoutMs, logLevel: options.logLevel ?? 'error' };
      });
      const { outcomes, output } = await runVerifier(jobs);
      verifierOutput = redactor.text(output.replace(/\x1b\[[0-9;]*m/g, ''));
      const scopes = session.scopes;
      const planned = plans.flatMap((p) => p.run);
      // The verifier replays interactions one after the other in pact order and calls the state server
      // for each of their states (or once with "" when there is none): the k-th scope is the k-th
      // interaction. Checked, so that a state failure is never pinned on the wrong interaction.
      const attributable = scopes.length === planned.length && planned.every((i, k) => sameStates(i, scopes[k].states));
      // One replayed request per interaction, in the same order: checked the same way.
      const replayed = replays.replays.length === planned.length && planned.every((i, k) => i.request.method === replays.replays[k].request.method);
      plans.forEach((plan, k) => {
        const outcome = outcomes.find((o) => o.pactFile === jobs[k].pactFile);
        for (const interaction of plan.run) {
          const result = results.get(interaction)!;
          applyOutcome(result, interaction, outcome?.json, outcome?.error ?? 'the verifier gave no result', redactor);
          const scope = attributable ? scopes[planned.indexOf(interaction)] : undefined;
          if (scope?.failure) {
            result.status = 'failed';
            result.reason = `a provider state could not be set up: ${scope.failure}`;
          }
          if (result.status === 'failed' && replayed) result.evidence = replays.evidence(planned.indexOf(interaction), redactor);
        }
      });
    } finally {
      cleanupFailures.push(...(await session.finish()));
      await Promise.all([recorder.close(), stateServer.close()]);
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }

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
    cleanupFailures: cleanupFailures.map((f) => redactor.text(f)),
    verifierOutput,
  };
}

function newResult(pact: PactFile, interaction: PactInteraction): InteractionResult {
  return {
    consumer: pact.consumer.name,
    provider: pact.provider.name,
    description: interaction.description,
    states: (interaction.providerStates ?? []).map((s) => s.name),
    status: 'failed',
    mismatches: [],
  };
}

function sameStates(interaction: PactInteraction, seen: string[]): boolean {
  const expected = (interaction.providerStates ?? []).map((s) => s.name);
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

async function gitlabIdsFor(config: RunConfig, options: VerifyPactsOptions, api: HttpClient): Promise<number[]> {
  if (options.gitlabProjectIds?.length) return [...options.gitlabProjectIds];
  if (config.gitlabProjectIds.length) return [...config.gitlabProjectIds];
  try {
    return await discoverGitlabProjectIds({
      gitlab: new HttpClient({ baseUrl: `${config.gitlabUrl}/api/v3`, timeoutMs: config.timeoutMs, concurrency: config.concurrency }),
      ci: api,
      privateToken: config.privateToken,
      gitlabUrl: config.gitlabUrl,
      wanted: GITLAB_IDS_NEEDED,
      seed: `${config.runId}-pact`, // not the suites' seed: a run doing both at once reaches for other ids first
    });
  } catch (error) {
    throw new CannotRunError(`Pact verification: could not find GitLab projects for its CI projects: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The provider-state side of a verification: one Scope per interaction, in order. */
class StateSession {
  readonly scopes: Scope[] = [];
  private current: Scope | undefined;
  private active = 0;
  private readonly failures: string[] = [];

  constructor(
    private readonly env: StateEnvironment,
    private readonly base: StateValues,
    private readonly redactor: Redactor,
  ) {}

  async change(action: string, state: string, params: Record<string, unknown>): Promise<StateValues> {
    if (action === 'setup') {
      if (this.active === 0) {
        this.current = new Scope(this.base, (resource) => this.env.ledger?.created(resource));
        this.scopes.push(this.current);
      }
      this.active += 1;
      const scope = this.current!;
      scope.states.push(state);
      if (!scope.failure) {
        try {
          Object.assign(scope.values, (await stateHandlers[state]?.setup(this.env, scope, params)) ?? {});
        } catch (error) {
          scope.failure = this.redactor.text(`"${state}": ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return scope.values;
    }
    if (action === 'teardown' && this.active > 0) {
      this.active -= 1;
      if (this.active === 0 && this.current) {
        this.failures.push(...(await removeCreated(this.env, this.current)));
        this.current = undefined;
      }
    }
    return {};
  }

  /** Notes what a replayed request created and the tokens in its answer. */
  record(request: ProxiedRequest, response: ProxiedResponse): void {
    const body = jsonOf(response) as Record<string, unknown> | unknown[] | undefined;
    harvestTokens(body, (t) => this.redactor.add(t));
    if (request.method !== 'POST' || response.status < 200 || response.status >= 300 || !body || Array.isArray(body)) return;
    const scope = this.current;
    if (!scope) return;
    const p = request.path.replace(/^\/api\/v1/, '').replace(/\.json$/, '');
    const link = /^\/projects\/(\d+)\/runners\/(\d+)$/.exec(p);
    // A runner is removed by its token: recorded even when the rest of the answer is wrong.
    if (p === '/runners/register' && typeof body.token === 'string') scope.add({ kind: 'runner', id: typeof body.id === 'number' ? body.id : undefined, token: body.token });
    else if ((p === '/projects' || p === '/forks') && typeof body.id === 'number') {
      scope.add({ kind: 'project', id: body.id, gitlabId: typeof body.gitlab_id === 'number' ? body.gitlab_id : undefined });
    } else if (link) scope.add({ kind: 'link', projectId: Number(link[1]), runnerId: Number(link[2]) });
  }

  /** Removes whatever is left (an interrupted verification); answers every removal that failed. */
  async finish(): Promise<string[]> {
    if (this.current) this.failures.push(...(await removeCreated(this.env, this.current)));
    this.current = undefined;
    return this.failures;
  }
}

function harvestTokens(value: unknown, add: (token: string) => void): void {
  if (Array.isArray(value)) value.forEach((v) => harvestTokens(v, add));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (/token/i.test(key) && typeof inner === 'string') add(inner);
      else harvestTokens(inner, add);
    }
  }
}

/** The endpoint the verifier calls to set up and tear down provider states. */
async function startStateServer(session: StateSession): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      let change: { action?: string; state?: string; params?: Record<string, unknown> } = {};
      try {
        change = JSON.parse(text || '{}');
      } catch {
        // An unreadable call changes nothing.
      }
      session
        .change(change.action ?? '', change.state ?? '', change.params ?? {})
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
