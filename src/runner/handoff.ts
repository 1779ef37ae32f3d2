// What the run hands to the suite files it starts with Jest: the configuration and where to record
// created resources and results. It travels in the process environment (never on disk), because it
// holds the tokens.
import type { RunConfig } from '../config/run-config';

export const HANDOFF_VARIABLE = 'GITLAB_CI_CONFORMANCE_SESSION';

export interface Handoff {
  config: RunConfig;
  ledgerFile: string;
  /** base64 key of the ledger's encryption. */
  ledgerKey: string;
  resultsFile: string;
}

export function readHandoff(env: NodeJS.ProcessEnv = process.env): Handoff {
  const raw = env[HANDOFF_VARIABLE];
  if (!raw) {
    throw new Error(
      'The suites in suites/ run through `gitlab-ci-conformance run`, which configures them; run that instead of jest directly.',
    );
  }
  return JSON.parse(raw) as Handoff;
}
