// What a scenario gets to work with: the operation and case it runs, the run's state, and a `send`
// that records every exchange (for evidence) and every resource the answer created (for clean-up).
import type { RunConfig } from '../config/run-config';
import type { CaseSpec } from '../derive/cases';
import type { ApiRequest } from '../http/types';
import type { Exchange } from '../checks';
import type { Operation, Rule } from '../spec/types';
import type { Scope } from '../state/fixtures';
import type { World } from '../state/world';
import type { JudgedBy, Prepared } from './arrange';

/** Validates a body against the schema the description gives for the operation and status. */
export type ResponseValidator = (operation: Operation, status: number, body: unknown) => string[];

/** One input of a generated check: its own arrangement and requests, removed when the input has been judged. */
export interface ExampleContext {
  arrange(): Promise<Prepared>;
  send(request: ApiRequest): Promise<Exchange>;
  scope: Scope;
}

export interface CaseContext {
  op: Operation;
  /** The case, its `expect` and title resolved for the active profile. */
  spec: CaseSpec;
  rule: Rule;
  config: RunConfig;
  world: World;
  scope: Scope;
  validate: ResponseValidator;
  exchanges: Exchange[];
  send(request: ApiRequest): Promise<Exchange>;
  /** A fresh valid request of this case's operation (see arrange.ts). */
  arrange(): Promise<Prepared>;
  /** Runs `work` in a scope of its own, closed (what it created removed) when `work` ends. */
  example<T>(work: (example: ExampleContext) => Promise<T>): Promise<T>;
  /** From now on only what follows is the check's evidence (a generated check's replay of its shrunk input). */
  restartEvidence(): void;
  /**
   * The statuses another case (of this or another operation) accepts under the active profile, for an
   * answer the scenario meets along the way; throws NotJudged when the profile does not judge that case.
   */
  expected(by: Omit<JudgedBy, 'operationId'> & { operationId?: string }): number[];
}

/** Thrown by a scenario that cannot judge its case (reported skipped, with the reason; never passed). */
export class NotJudged extends Error {
  override readonly name = 'NotJudged';
}

/** A scenario sends what its family needs and answers the failed checks (empty: the rule holds). */
export type Scenario = (ctx: CaseContext) => Promise<string[]>;
