// How the reference server answers: as the documented contract says (strict), or as a profile of
// spec/rules.yaml records an original server answering (serve --behave gitlab-ci-8.0). Driven by the
// same catalog data the suites judge by (src/spec/expectations.ts): every status decision names its rules
// (./errors.ts), and the profile's departure from those rules on the operation being served is the answer.
import type { Leniency } from '../domain';
import { departureOf, profileNames, STRICT_PROFILE } from '../../spec/expectations';
import { readCatalog, readOperationRules } from '../../spec/files';
import type { ProfileDeparture, RuleCatalog } from '../../spec/types';
import { DECISIONS, type DecisionName } from './errors';

export interface Behaviour {
  /** The profile the server behaves as. */
  readonly profile: string;
  /** The status of a decision on an operation (undefined: a request no route took). */
  statusOf(decision: DecisionName, operationId: string | undefined): number;
  /** Whether the server refuses what the decision refuses on the operation (a profile may let it through). */
  refuses(decision: DecisionName, operationId: string): boolean;
  /** What the domain lets through on the operation: what the profile's `succeeds` lets through. */
  leniency(operationId: string): Leniency;
}

/**
 * Where the server can let through what a decision refuses (a profile's `succeeds`): the places that ask
 * `refuses`. A profile that lets something through anywhere else cannot be behaved as.
 */
const LETS_THROUGH: Partial<Record<DecisionName, readonly string[] | 'every operation'>> = {
  gitlabUrlUntrusted: 'every operation',
  nameTaken: ['createProject', 'updateProject'],
  unprocessable: ['updateBuild'],
};

/** The decisions behind each leniency of the domain. */
const LENIENCIES: Record<keyof Leniency, DecisionName> = { duplicateNames: 'nameTaken', unknownBuildStates: 'unprocessable' };

/** The spec as the behaviour reads it: the catalog, and the rules each operation carries. */
interface BehaviourSpec {
  catalog: RuleCatalog;
  operationRules: ReadonlyMap<string, readonly string[]>;
}

/**
 * The server's behaviour as the profile; throws for a profile the catalog does not declare, or whose data
 * the server cannot follow (rules of one decision departing apart, a `succeeds` where nothing is let through).
 */
export function behaviourOf(profile: string, spec: BehaviourSpec = { catalog: readCatalog(), operationRules: readOperationRules() }): Behaviour {
  const { catalog } = spec;
  if (!profileNames(catalog).includes(profile)) throw new Error(`unknown profile ${JSON.stringify(profile)} (known: ${profileNames(catalog).join(', ')})`);
  const departures = new Map<string, ProfileDeparture | undefined>();
  const key = (decision: DecisionName, operationId: string | undefined) => `${decision}\u0000${operationId ?? ''}`;
  for (const decision of Object.keys(DECISIONS) as DecisionName[]) {
    // A request no route took is answered by a path-level decision: its rules' own departure, if they agree.
    const anywhere = departuresOfDecision(spec, profile, decision, undefined);
    departures.set(key(decision, undefined), anywhere.length === 1 ? anywhere[0] : undefined);
    for (const operationId of spec.operationRules.keys()) {
      const [departure, ...apart] = departuresOfDecision(spec, profile, decision, operationId);
      if (apart.length) throw new Error(`${profile}: the rules of decision ${decision} depart apart on ${operationId}`);
      if (departure?.succeeds && !letsThrough(decision, operationId)) {
        throw new Error(`the reference server cannot behave as ${profile}: it lets nothing through for ${decision} on ${operationId}`);
      }
      departures.set(key(decision, operationId), departure);
    }
  }
  const departure = (decision: DecisionName, operationId: string | undefined) => departures.get(key(decision, operationId));
  const refuses = (decision: DecisionName, operationId: string) => !departure(decision, operationId)?.succeeds;
  return {
    profile,
    statusOf: (decision, operationId) => departure(decision, operationId)?.status ?? DECISIONS[decision].status,
    refuses,
    leniency: (operationId) => ({
      duplicateNames: !refuses(LENIENCIES.duplicateNames, operationId),
      unknownBuildStates: !refuses(LENIENCIES.unknownBuildStates, operationId),
    }),
  };
}

/** The strict server's behaviour: every decision answers its documented status, nothing is let through. */
export const STRICT_BEHAVIOUR: Behaviour = {
  profile: STRICT_PROFILE,
  statusOf: (decision) => DECISIONS[decision].status,
  refuses: () => true,
  leniency: () => ({}),
};

/**
 * The distinct ways the profile departs from a decision's rules (those the operation carries; all of them
 * where no route took the request) on an operation: none or one where the server can follow the profile.
 * A rule the profile does not judge (skip) leaves the server as it is.
 */
function departuresOfDecision(spec: BehaviourSpec, profile: string, decision: DecisionName, operationId: string | undefined): Array<ProfileDeparture | undefined> {
  const { catalog, operationRules } = spec;
  const { rules, variant } = DECISIONS[decision] as { rules: readonly string[]; variant?: string };
  const carried = operationId === undefined ? rules : rules.filter((id) => operationRules.get(operationId)?.includes(id));
  const distinct = new Map<string, ProfileDeparture | undefined>();
  for (const id of carried) {
    const rule = catalog.rules.find((r) => r.id === id);
    if (!rule) throw new Error(`decision ${decision} names rule ${id}, which is not in the catalog`);
    const d = departureOf(rule, profile, operationId ?? '', variant);
    const departure = d && !d.skip ? { status: d.status, succeeds: d.succeeds } : undefined;
    distinct.set(JSON.stringify(departure ?? null), departure);
  }
  return [...distinct.values()];
}

function letsThrough(decision: DecisionName, operationId: string): boolean {
  const where = LETS_THROUGH[decision];
  return where === 'every operation' || (where ?? []).includes(operationId);
}
