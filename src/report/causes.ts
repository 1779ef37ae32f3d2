// Failures a set-up mistake causes as surely as a server fault, and which nothing outside the server can
// tell apart (the pre-flight cannot check them without creating something on the target). The check
// still fails; the console and the report's headline name both causes and the option to check.
import type { CheckResult } from './results';

interface TwoCauses {
  rule: string;
  mistake: string;
  option: string;
  fault: string;
}

const TWO_CAUSES: TwoCauses[] = [
  {
    rule: 'AUTH-REGISTRATION-ACCEPTED',
    mistake: 'the runners registration token given is not this server\'s',
    option: '--registration-token (GITLAB_CI_REGISTRATION_TOKEN)',
    fault: 'the server refuses its own registration token (non-conformant)',
  },
];

/** One sentence per such rule that failed. */
export function possibleCauses(checks: CheckResult[]): string[] {
  return TWO_CAUSES.filter(({ rule }) => checks.some((c) => c.rule === rule && c.status === 'failed')).map(
    ({ rule, mistake, option, fault }) => `${rule} failed: either ${mistake} (check ${option}), or ${fault}.`,
  );
}
