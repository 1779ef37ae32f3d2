// What a run will check, known before it starts: every generated case --only/--skip select (derived from
// the description exactly as the suites were generated) and every interaction of the selected consumers'
// pacts, each with its expected cost. The plan gives the count of the run's first line, the part of a
// --shard, and what progress is counted against; the suites and the Pact verification run what it holds.
import type { RunConfig, Shard } from '../config/run-config';
import { caseUnder, deriveSuites, type CaseSpec, type OperationCases } from '../derive/cases';
import type { LoadedPact } from '../pact/files';
import { knowledgeOf } from '../scenarios/operations';
import type { ApiDescription } from '../spec/types';
import { suiteName } from '../suite/files';
import COSTS from './check-costs.json';

export const CONTRACT_RULE = 'CONSUMER-CONTRACT';

/** The part of the run a Pact interaction belongs to (a generated case belongs to its suite file). */
export const PACT_UNIT = 'Pact verification';

export interface PlannedCheck {
  id: string;
  rule: string;
  operation: string;
  title: string;
  /** Its suite file (suites/NN_tag.test.ts), or PACT_UNIT. */
  unit: string;
  /** Expected duration, in requests sent one after another (./check-costs.json). */
  cost: number;
}

type Selection = Pick<RunConfig, 'only' | 'skip'>;

/** Whether --only/--skip select a check known by these names (its rule, operation, resource or consumer). */
function isSelected(selection: Selection, names: string[]): boolean {
  if (selection.only.length && !names.some((n) => selection.only.includes(n))) return false;
  return !names.some((n) => selection.skip.includes(n));
}

export function pactCheckId(consumer: string, description: string): string {
  return `pact:${consumer}:${description}`;
}

/** Every generated case --only/--skip select, in suite order, its title stating what the profile expects. */
function planCases(description: ApiDescription, selection: Selection & Pick<RunConfig, 'profile'>): PlannedCheck[] {
  const rules = new Map(description.catalog.rules.map((r) => [r.id, r]));
  const titleOf = (c: CaseSpec, op: OperationCases) => caseUnder(selection.profile, rules, c, op).spec.title;
  return deriveSuites(description, knowledgeOf).flatMap((suite) =>
    suite.operations.flatMap((op) =>
      op.cases
        .filter((c) => isSelected(selection, [c.rule, op.operationId, suite.tag]))
        .map((c) => ({ id: c.id, rule: c.rule, operation: op.label, title: titleOf(c, op), unit: suiteName(`${suite.name}.test.ts`), cost: costOf(c.rule) })),
    ),
  );
}

/** Every interaction of the pacts of the consumers --only/--skip select, in pact order. */
export function planInteractions(pacts: LoadedPact[], selection: Selection): PlannedCheck[] {
  return pacts
    .filter(({ pact }) => isSelected(selection, [CONTRACT_RULE, pact.consumer.name]))
    .flatMap(({ pact }) =>
      pact.interactions.map((i) => ({
        id: pactCheckId(pact.consumer.name, i.description),
        rule: CONTRACT_RULE,
        operation: `${i.request.method} ${i.request.path}`,
        title: `${pact.consumer.name}: ${i.description}`,
        unit: PACT_UNIT,
        cost: COSTS.pactInteraction,
      })),
    );
}

function costOf(rule: string): number {
  return (COSTS.rules as Record<string, number>)[rule] ?? COSTS.otherRule;
}

/**
 * The checks of one shard. Every check goes to exactly one of the n shards, the same in every shard's
 * process (a plan is the same for the same options): largest expected cost first, each to the shard
 * with the least expected duration so far (ties: the lowest shard, then the check id), which keeps the
 * shards within a third of each other's duration at worst, and usually far closer.
 */
function shardOf(planned: PlannedCheck[], shard: Shard): PlannedCheck[] {
  const loads = Array.from({ length: shard.total }, () => 0);
  const mine: PlannedCheck[] = [];
  const byCost = [...planned].sort((a, b) => b.cost - a.cost || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const check of byCost) {
    const lightest = loads.indexOf(Math.min(...loads));
    loads[lightest] += check.cost;
    if (lightest === shard.index - 1) mine.push(check);
  }
  const order = new Map(planned.map((c, k) => [c, k]));
  return mine.sort((a, b) => order.get(a)! - order.get(b)!);
}

/** What a run checks: its shard's part of every selected case and interaction, when it has a shard. */
export function runPlan(description: ApiDescription, pacts: LoadedPact[], config: Selection & Pick<RunConfig, 'shard' | 'profile'>): PlannedCheck[] {
  return inShard([...planCases(description, config), ...planInteractions(pacts, config)], config.shard);
}

export function inShard(planned: PlannedCheck[], shard: Shard | undefined): PlannedCheck[] {
  return shard ? shardOf(planned, shard) : planned;
}
