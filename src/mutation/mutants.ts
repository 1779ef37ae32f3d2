// The mutants: server variants that each break exactly ONE rule of spec/rules.yaml, either by a fault
// switch of the reference server (src/server/faults.ts) or by a fault proxy rewrite in front of it
// (src/faults/rewrites.ts). `npm run mutation` runs the suite against each and expects the rule it breaks
// to fail: a check nobody has seen fire is not trusted.
import { PROXY_FAULTS } from '../faults/rewrites';
import { FAULTS, type FaultName } from '../server/faults';

export type MutantHow = { fault: FaultName } | { proxy: string };

export interface Mutant {
  /** Unique; the fault or rewrite name. */
  name: string;
  /** The rule ID the mutant breaks: the suite must catch it with a failed check of this rule. */
  breaks: string;
  how: MutantHow;
  /** Rule IDs or operation ids to run (`run --only`); default: the rule it breaks. */
  only?: string[];
  description: string;
}

/** One mutant per server fault and per proxy fault; each is run with `--only` its rule, to keep it fast. */
export const MUTANTS: readonly Mutant[] = [
  ...FAULTS.map((f): Mutant => ({ name: f.name, breaks: f.breaks, how: { fault: f.name }, description: f.description })),
  ...PROXY_FAULTS.map((f): Mutant => ({ name: f.name, breaks: f.breaks, how: { proxy: f.name }, description: f.description })),
];

export function selectionOf(mutant: Mutant): string[] {
  return mutant.only ?? [mutant.breaks];
}

export function describeHow(how: MutantHow): string {
  return 'fault' in how ? `server fault ${how.fault}` : `proxy rewrite ${how.proxy}`;
}
