// The mutants: the reference server seen through a fault proxy (src/faults/) that makes it break exactly
// ONE rule of spec/rules.yaml. `npm run mutation` runs the suite against each and expects the rule it
// breaks to fail: a check nobody has seen fire is not trusted.
import { FAULTS, type Fault } from '../faults';

export interface Mutant {
  /** Unique; the fault's name. */
  name: string;
  /** The rule ID the mutant breaks: the suite must catch it with a failed check of this rule. */
  breaks: string;
  fault: Fault;
  /** Rule IDs or operation ids to run (`run --only`); default: the rule it breaks. */
  only?: string[];
  description: string;
}

/** One mutant per fault; each is run with `--only` its rule, to keep it fast. */
export const MUTANTS: readonly Mutant[] = FAULTS.map((fault) => ({ name: fault.name, breaks: fault.breaks, fault, description: fault.description }));

export function selectionOf(mutant: Mutant): string[] {
  return mutant.only ?? [mutant.breaks];
}
