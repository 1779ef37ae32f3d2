// What a case of a rule expects, in one place: the strict (documented) statuses, and how a profile of
// spec/rules.yaml departs from them. The suites judge every answer by expectationOf; the reference
// server (serve --behave) answers by departureOf, the same data.
import type { Operation, ProfileDeparture, Rule, RuleCatalog } from './types';

/** The profile of the documented contract: no departure. */
export const STRICT_PROFILE = 'strict';

/** The status of an operation's plain success: 201 for a POST, 200 for the rest. */
export function successStatus(op: Pick<Operation, 'method'>): number {
  return op.method === 'POST' ? 201 : 200;
}

/**
 * The statuses a rule's cases of an operation accept under the strict profile: the rule's `expect`, else
 * the operation's success status; the credential failure for AUTH-BEFORE-EXISTENCE (401 for a user
 * token, 403 for a CI token); none (any status below 500) for NO-SERVER-ERROR.
 */
export function strictExpectation(rule: Pick<Rule, 'family' | 'expect'>, op: Pick<Operation, 'method' | 'auth'>): number[] {
  if (rule.family === 'auth-before-existence') return op.auth.some((a) => a.method === 'user') ? [401] : [403];
  if (rule.family === 'no-server-error') return [];
  return rule.expect?.length ? rule.expect : [successStatus(op)];
}

/** The profiles the catalog declares, strict first. */
export function profileNames(catalog: Pick<RuleCatalog, 'profiles'>): string[] {
  const declared = Object.keys(catalog.profiles ?? {});
  return [STRICT_PROFILE, ...declared.filter((name) => name !== STRICT_PROFILE)];
}

/**
 * How a profile departs from a rule for one case (operation and case variant), or undefined where it does
 * not: the variant's entry, else the operation's, else the rule's own; its note, else the rule's.
 */
export function departureOf(rule: Pick<Rule, 'profiles'>, profile: string, operationId: string, variant = ''): ProfileDeparture | undefined {
  if (profile === STRICT_PROFILE) return undefined;
  const entry = rule.profiles?.[profile];
  if (!entry) return undefined;
  const specific = (variant ? entry.variants?.[variant] : undefined) ?? entry.operations?.[operationId];
  const chosen = specific ?? entry;
  if (!chosen.status && !chosen.succeeds && !chosen.skip) return undefined;
  const { status, succeeds, skip } = chosen;
  return { status, succeeds, skip, note: chosen.note ?? entry.note };
}

/** A case under a profile: the statuses it accepts (`departs` when the profile changed them), or why it is not judged. */
export type Expectation = { statuses: number[]; departs: boolean } | { skip: string };

/** One case, as much of it as its expectation depends on. */
export interface CaseKey {
  rule: string;
  operationId: string;
  /** The case variant ('' for a rule's only case). */
  variant: string;
  /** The statuses the strict profile accepts (strictExpectation). */
  strict: number[];
  /** The operation's success status: what a request the profile does not refuse answers. */
  success: number;
  /**
   * For a check of the answer to one status (JSON-RESPONSE, RESPONSE-SCHEMA): the case whose request
   * provokes that status; the check follows that case's expectation under the profile.
   */
  provokedBy?: { rule: string; variant: string };
  /**
   * For a case whose requests are, status by status, other rules' cases in disguise (a hostile value of a
   * credential is an unknown credential, a value outside an enum an unprocessable one): the case owning
   * each such strict status, whose profile departures the answers expected with that status follow.
   */
  owners?: StatusOwners;
}

/** Strict status → the case owning it (CaseKey.owners). */
export type StatusOwners = Record<string, { rule: string; variant: string }>;

/**
 * The expectation of a case under a profile: the one source every check judges by. A check of the answer
 * to a status runs only where the case provoking it still answers that status under the profile.
 */
export function expectationOf(key: CaseKey, profile: string, rules: ReadonlyMap<string, Rule>): Expectation {
  const ruleOf = (id: string): Rule => {
    const rule = rules.get(id);
    if (!rule) throw new Error(`rule ${id} is not in the catalog`);
    return rule;
  };
  if (key.provokedBy) {
    const status = key.strict[0];
    const provoker = expectationOf({ ...key, ...key.provokedBy, strict: key.strict, provokedBy: undefined }, profile, rules);
    if ('skip' in provoker) return provoker;
    if (provoker.statuses.includes(status)) return { statuses: key.strict, departs: false };
    const note = departureOf(ruleOf(key.provokedBy.rule), profile, key.operationId, key.provokedBy.variant)?.note;
    return {
      skip: `under ${profile}, the request that provokes ${status} is answered ${provoker.statuses.join(' or ')} (${key.provokedBy.rule}${note ? `: ${note}` : ''})`,
    };
  }
  if (key.owners) return ownedExpectation(key, key.owners, profile, rules);
  const departure = departureOf(ruleOf(key.rule), profile, key.operationId, key.variant);
  if (!departure) return { statuses: key.strict, departs: false };
  if (departure.skip) return { skip: `not judged under ${profile}: ${departure.note}` };
  return { statuses: [departure.succeeds ? key.success : (departure.status as number)], departs: true };
}

/** A case whose strict statuses are owned by other cases: each status as its owner expects it under the profile. */
function ownedExpectation(key: CaseKey, owners: StatusOwners, profile: string, rules: ReadonlyMap<string, Rule>): Expectation {
  const each = key.strict.map((status): Expectation => {
    const owner = owners[status];
    return owner ? expectationOf({ ...key, ...owner, strict: [status], owners: undefined }, profile, rules) : { statuses: [status], departs: false };
  });
  const judged = each.filter((e): e is Extract<Expectation, { statuses: number[] }> => 'statuses' in e);
  if (!judged.length) return each[0];
  const statuses = [...new Set(judged.flatMap((e) => e.statuses))].sort((a, b) => a - b);
  return { statuses, departs: judged.some((e) => e.departs) };
}

/** "403 under gitlab-ci-8.0": the statuses a case expects, as test names and report lines state them. */
export function expectationText(expectation: Expectation, strict: number[], profile: string): string {
  const statuses = 'skip' in expectation ? strict : expectation.statuses;
  const departs = 'statuses' in expectation && expectation.departs;
  return `${statuses.join(' or ')}${departs ? ` under ${profile}` : ''}`;
}
