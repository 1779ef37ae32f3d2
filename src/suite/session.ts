// One suite file's session: the HTTP client, the state of the run, the validator, and the recording of
// results. Created once per suite file; everything the files create is removed in their afterAll, at once.
import type { RunConfig } from '../config/run-config';
import { apiBase } from '../config/run-config';
import { caseUnder, type CaseSpec, type OperationCases, type Prerequisite } from '../derive/cases';
import type { Exchange } from '../checks';
import { HttpClient, TransportError } from '../http/client';
import type { ApiRequest } from '../http/types';
import { curlReproduction, evidenceOf, ExchangeLog, recordedOf, secretVariables, type Recorded, type SecretVariable } from '../report/evidence';
import { Redactor, tokensIn } from '../report/redact';
import { appendResult, type CheckResult } from '../report/results';
import { readDescription, readHandoff, readPlan } from '../runner/handoff';
import { NotJudged, type CaseContext, type ResponseValidator } from '../scenarios/context';
import { SCENARIOS } from '../scenarios/families';
import { knowledgeOf } from '../scenarios/operations';
import { expectationOf, strictExpectation, successStatus } from '../spec/expectations';
import { createResponseValidator } from '../spec/response-validator';
import type { ApiDescription, Operation, Rule } from '../spec/types';
import { Fixtures, PrerequisiteFailed, type Scope } from '../state/fixtures';
import { claiming, GitlabIdPool, mayBeTaken, type ClaimRefusal } from '../state/gitlab-id-pool';
import { Ledger } from '../state/ledger';
import { Naming } from '../state/naming';
import { World } from '../state/world';
import { TimingLog } from './timing';

const PREREQUISITE_REASONS: Record<Prerequisite, { option: keyof RunConfig; why: string }> = {
  'developer-token': { option: 'developerToken', why: 'needs a user who can see but not manage the project: set --developer-token / GITLAB_CI_DEVELOPER_TOKEN' },
  'outsider-token': { option: 'outsiderToken', why: 'needs a valid user without access to the project: set --outsider-token / GITLAB_CI_OUTSIDER_TOKEN' },
  'registration-token': { option: 'registrationToken', why: 'needs the runners registration token: set --registration-token / GITLAB_CI_REGISTRATION_TOKEN' },
};

/** Thrown to fail a Jest test; its message is already redacted. */
class NonConformance extends Error {
  override readonly name = 'NonConformance';
}

/**
 * What the suite files of a run share: the run loads them all into one Jest module registry
 * (src/runner/jest.ts), where they run side by side. One HTTP client, so that --concurrency bounds them
 * together; one GitLab id pool; the secrets to redact; the description, read and validated once.
 */
class RunWide {
  readonly config: RunConfig;
  readonly rules: Map<string, Rule>;
  readonly resultsFile: string;
  readonly planned: Set<string>;
  readonly secretVariables: SecretVariable[];
  readonly redactor: Redactor;
  /** Tokens the server handed out (projects, runners): secrets too. */
  readonly serverTokens = new Set<string>();
  /** Every exchange of the run, for the evidence of its checks. */
  readonly exchangeLog = new ExchangeLog();
  readonly client: HttpClient;
  readonly gitlabIds: GitlabIdPool;
  readonly ledger: Ledger;
  /** The description as the run resolved it: parsing and validating spec/ again would cost half a second. */
  readonly description: ApiDescription;
  readonly validate: ResponseValidator;
  /** The removal of each suite file's state. */
  private readonly removals: Array<() => Promise<void>> = [];
  private closing?: Promise<void>;

  constructor() {
    const handoff = readHandoff();
    this.config = handoff.config;
    this.resultsFile = handoff.resultsFile;
    this.planned = readPlan(handoff.planFile);
    this.description = readDescription(handoff.descriptionFile);
    this.validate = createResponseValidator(this.description);
    this.rules = new Map(this.description.catalog.rules.map((r) => [r.id, r]));
    this.secretVariables = secretVariables(this.config);
    this.redactor = new Redactor(this.secretVariables.map((s) => s.value));
    this.client = new HttpClient({
      baseUrl: apiBase(this.config.target),
      timeoutMs: this.config.timeoutMs,
      concurrency: this.config.concurrency,
      onExchange: (_request, outcome) => {
        for (const token of 'status' in outcome ? tokensIn(outcome.body) : []) {
          this.serverTokens.add(token);
          this.redactor.add(token);
        }
        this.exchangeLog.record(outcome);
      },
    });
    this.gitlabIds = new GitlabIdPool(this.config.gitlabProjectIds);
    this.ledger = new Ledger(handoff.ledgerFile, Buffer.from(handoff.ledgerKey, 'base64'));
  }

  onClose(remove: () => Promise<void>): void {
    this.removals.push(remove);
  }

  /** Removes the state of every suite file at once (Jest would run the files' afterAll one after the other). */
  close(): Promise<void> {
    return (this.closing ??= Promise.all(this.removals.map((remove) => remove())).then(() => undefined));
  }
}

let runWide: RunWide | undefined;

export class Session {
  readonly config: RunConfig;
  readonly rules: Map<string, Rule>;
  private readonly run: RunWide;
  private readonly world: World;
  /** Only when the benchmark asks for it (GITLAB_CI_CONFORMANCE_TIMING). */
  private readonly timing?: TimingLog;

  constructor(
    file = 'suite',
    /** The suite file, as the reports name it (suites/01_projects.test.ts). */
    private readonly suite?: string,
  ) {
    this.run = runWide ??= new RunWide();
    this.config = this.run.config;
    this.rules = this.run.rules;
    this.timing = TimingLog.fromEnvironment(file);
    const timed = (purpose: 'check' | 'setup' | 'cleanup') => (this.timing ? this.timing.transport(this.run.client, purpose) : this.run.client);
    const fixtures = new Fixtures({
      api: timed('setup'),
      checks: timed('check'),
      cleanup: timed('cleanup'),
      user: { privateToken: this.config.privateToken, gitlabUrl: this.config.gitlabUrl },
      naming: new Naming(this.config.runId),
      gitlabIds: this.run.gitlabIds,
      claimTimeoutMs: this.config.timeoutMs * 6,
      // The set-up must not depend on what rule JSON-SUFFIX checks.
      runner: { jsonSuffix: false },
      ledger: this.run.ledger,
    });
    this.world = new World(this.config, fixtures);
    this.run.onClose(() => this.removeOwn());
  }

  /**
   * The case as the active profile expects it (its statuses, and its title stating them), and whether it
   * runs: in the run's plan (--only/--skip, --shard), judged under the profile, prerequisites configured.
   */
  selection(spec: CaseSpec, operation: Pick<OperationCases, 'operationId' | 'success'>): { spec: CaseSpec } & ({ run: true } | { run: false; report?: string }) {
    const { spec: resolved, skip } = caseUnder(this.config.profile, this.rules, spec, operation);
    if (!this.run.planned.has(spec.id)) return { spec: resolved, run: false };
    if (skip) return { spec: resolved, run: false, report: skip };
    const missing = spec.needs.find((need) => !this.config[PREREQUISITE_REASONS[need].option]);
    if (missing) return { spec: resolved, run: false, report: PREREQUISITE_REASONS[missing].why };
    return { spec: resolved, run: true };
  }

  recordSkip(spec: CaseSpec, operationLabel: string, reason: string): void {
    appendResult(this.run.resultsFile, { id: spec.id, rule: spec.rule, operation: operationLabel, suite: this.suite, title: spec.title, status: 'skipped', reason });
  }

  /** Runs one case to its verdict, records it, and throws NonConformance when it failed. */
  async runCase(spec: CaseSpec, operationId: string, operationLabel: string): Promise<void> {
    return this.timing ? this.timing.timeCase(spec.id, () => this.runCaseNow(spec, operationId, operationLabel)) : this.runCaseNow(spec, operationId, operationLabel);
  }

  private async runCaseNow(spec: CaseSpec, operationId: string, operationLabel: string): Promise<void> {
    const started = performance.now();
    // Another attempt only for a case that failed after the server refused to attach a CI project to a
    // GitLab project the case had taken: another client (a second run against the same target) may have
    // taken it meanwhile, and then the refusal was right. The policy (how often) is claiming's.
    const { problems, recorded, checked, notJudged } = await claiming(
      () => this.attempt(spec, operationId),
      (outcome) => outcome.claim,
    );
    const result: CheckResult = {
      id: spec.id,
      rule: spec.rule,
      operation: operationLabel,
      suite: this.suite,
      title: spec.title,
      status: problems.length ? 'failed' : notJudged ? 'skipped' : 'passed',
      reason: problems.length ? problems.join(' ') : notJudged,
      durationMs: Math.round(performance.now() - started),
      evidence: problems.length ? this.evidence(recorded, checked) : undefined,
    };
    const safe = { ...result, reason: result.reason && this.run.redactor.text(result.reason) };
    appendResult(this.run.resultsFile, safe);
    if (safe.status === 'failed') throw new NonConformance(`${spec.rule}: ${safe.reason}`);
  }

  /** One attempt of a case in a scope of its own, removed whatever the outcome. */
  private async attempt(spec: CaseSpec, operationId: string): Promise<Attempt> {
    const exchanges: Exchange[] = [];
    /** Everything the case sent (its set-up included), and what it sent through ctx.send. */
    const recorded: Recorded[] = [];
    const checked: Recorded[] = [];
    const scope = this.world.scope();
    let problems: string[] = [];
    let notJudged: string | undefined;
    const records: CaseRecords = { exchanges, checked, evidence: { since: 0 } };
    try {
      const { description, validate } = this.run;
      const op = operation(description, operationId);
      const ctx = this.context({ spec, op, description, validate, scope, records });
      problems = await this.run.exchangeLog.track(recorded, () => SCENARIOS[spec.family](ctx));
    } catch (error) {
      if (error instanceof NotJudged) notJudged = error.message;
      else problems = [error instanceof Error ? error.message : String(error)];
      // Failed at once: the evidence is the exchanges of the prerequisite's first failure.
      if (error instanceof PrerequisiteFailed) recorded.push(...error.exchanges);
    }
    const since = (r: Recorded) => r.startedAt >= records.evidence.since;
    // Not judged counts too: another run's project on a GitLab id it took can be why the status was another.
    const claim = problems.length > 0 || notJudged !== undefined ? strongest(await refusalIn(exchanges, scope, this.world), records.claim) : undefined;
    await scope.close().catch(() => undefined);
    return { problems, notJudged, recorded: recorded.filter(since), checked: checked.filter(since), claim };
  }

  /**
   * The evidence of a failed case: its deciding exchange (the last request the check sent that got no
   * answer, else the last it sent, else the last of its set-up) and the sequence that led to it.
   */
  private evidence(recorded: Recorded[], checked: Recorded[]) {
    const deciding = checked.filter((r) => r.error).at(-1) ?? checked.at(-1) ?? recorded.at(-1);
    if (!deciding) return undefined;
    const steps = this.run.exchangeLog.sequence(recorded, deciding);
    const curl = curlReproduction(steps, { secrets: this.run.secretVariables, serverTokens: this.run.serverTokens });
    return evidenceOf(steps, this.run.redactor, this.run.redactor.text(curl));
  }

  /**
   * Removes everything the run's suite files created; what could not be removed stays in the ledger for the
   * run. Every file's cases are over when the first file's afterAll runs: they share Jest's root block.
   */
  close(): Promise<void> {
    return this.run.close();
  }

  private async removeOwn(): Promise<void> {
    const removeAll = async () => void (await this.world.removeAll());
    await (this.timing ? this.timing.timeClose(removeAll) : removeAll());
  }

  /** The statuses a case of a rule on an operation accepts under the active profile (CaseContext.expected). */
  private expected(description: ApiDescription, by: { rule: string; operationId: string; variant?: string }): number[] {
    const op = operation(description, by.operationId);
    const rule = this.rules.get(by.rule);
    if (!rule || !op.rules.includes(by.rule)) throw new Error(`${by.operationId} has no rule ${by.rule}: nothing says what that answer should be`);
    const key = { rule: by.rule, operationId: op.operationId, variant: by.variant ?? '', strict: strictExpectation(rule, op), success: successStatus(op) };
    const expectation = expectationOf(key, this.config.profile, this.rules);
    if ('skip' in expectation) throw new NotJudged(`${by.rule} of ${by.operationId}, which this check relies on, is ${expectation.skip}`);
    return expectation.statuses;
  }

  private context({ spec, op, description, validate, scope, records }: CaseRun): CaseContext {
    const world = this.world;
    const rule = this.rules.get(spec.rule);
    if (!rule) throw new Error(`rule ${spec.rule} is not in the catalog; regenerate the suites`);
    const arrange = (into: Scope) => knowledgeOf(op.operationId).arrange(world, into);
    return {
      op,
      spec,
      rule,
      expected: (by) => this.expected(description, { ...by, operationId: by.operationId ?? op.operationId }),
      config: this.config,
      world,
      scope,
      validate,
      exchanges: records.exchanges,
      send: sender(scope, records),
      arrange: () => arrange(scope),
      async example(work) {
        const own = world.scope();
        const from = records.exchanges.length;
        try {
          return await work({ scope: own, send: sender(own, records), arrange: () => arrange(own) });
        } finally {
          records.claim = strongest(await refusalIn(records.exchanges.slice(from), own, world), records.claim);
          await own.close().catch(() => undefined);
        }
      },
      restartEvidence() {
        records.evidence.since = performance.timeOrigin + performance.now();
      },
    };
  }
}

/** What a case records of its requests: the exchanges it judges, what it sent, and where its evidence starts. */
interface CaseRecords {
  exchanges: Exchange[];
  checked: Recorded[];
  evidence: { since: number };
  /** What a refused creation in one of its examples met on a GitLab project another client may have taken. */
  claim?: ClaimRefusal;
}

/**
 * What the server's refusal to attach a CI project to a GitLab project the scope had taken met: another
 * client (a second run against the same target) took it meanwhile, or nothing explains it
 * (src/state/gitlab-id-pool.ts). Ids another client took are never used again.
 */
async function refusalIn(exchanges: Exchange[], scope: Scope, world: World): Promise<ClaimRefusal | undefined> {
  const refusals = exchanges.filter(({ request, response }) => request.method === 'POST' && mayBeTaken(response.status)).map(({ response }) => response.status);
  if (refusals.length === 0) return undefined;
  return world.fixtures.claimRefusalOn(scope.reservedGitlabIds, refusals.includes(409) ? 409 : refusals[0]);
}

/** Of two refusals, the one that says more: another client's project seen beats nothing seen. */
function strongest(a: ClaimRefusal | undefined, b: ClaimRefusal | undefined): ClaimRefusal | undefined {
  return a === 'taken' || b === 'taken' ? 'taken' : (a ?? b);
}

/** Sends through the scope's transport (which records what the request created), keeping the exchange as the case's. */
function sender(scope: Scope, records: CaseRecords): (request: ApiRequest) => Promise<Exchange> {
  return async (request) => {
    const response = await scope.api.send(request).catch((error: unknown) => {
      // No answer (timeout, reset, refused): the request and the cause are the evidence.
      const sent = error instanceof TransportError && recordedOf(error);
      if (sent) records.checked.push(sent);
      throw error;
    });
    const exchange = { request, response };
    records.exchanges.push(exchange);
    records.checked.push(response.wire);
    return exchange;
  };
}

function operation(description: ApiDescription, operationId: string): Operation {
  const op = description.operations.find((o) => o.operationId === operationId);
  if (!op) throw new Error(`the description has no operation ${operationId}; regenerate the suites`);
  return op;
}

/** What a case's context is made of. */
interface CaseRun {
  spec: CaseSpec;
  op: Operation;
  description: ApiDescription;
  validate: ResponseValidator;
  scope: Scope;
  records: CaseRecords;
}

/** One attempt of a case: its verdict, what went over the wire, and what a refused creation on a GitLab project it took met. */
interface Attempt {
  problems: string[];
  /** Why the case could not be judged (reported skipped). */
  notJudged?: string;
  recorded: Recorded[];
  checked: Recorded[];
  /** What a refused creation on a GitLab project it took met, if any. */
  claim?: ClaimRefusal;
}
