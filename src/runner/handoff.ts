// What the run hands to the suite files it starts with Jest: the configuration, where to record created
// resources and results, and which checks to run. It travels in the process environment (never on
// disk), because it holds the tokens; the list of checks, which holds none, is on file.
import fs from 'node:fs';
import type { RunConfig } from '../config/run-config';
import type { ApiDescription } from '../spec/types';

export const HANDOFF_VARIABLE = 'GITLAB_CI_CONFORMANCE_SESSION';

export interface Handoff {
  config: RunConfig;
  ledgerFile: string;
  /** base64 key of the ledger's encryption. */
  ledgerKey: string;
  resultsFile: string;
  /** The ids of the checks this run runs (./plan.ts): --only/--skip and --shard applied. */
  planFile: string;
  /** The description as the run read, validated and resolved it (the suites read it back instead of spec/). */
  descriptionFile: string;
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

/** The ids of the checks the run runs, on file (a plan can outgrow what an environment variable may hold). */
export function writePlan(file: string, checkIds: string[]): void {
  fs.writeFileSync(file, JSON.stringify(checkIds), { mode: 0o600 });
}

export function writeDescription(file: string, description: ApiDescription): void {
  fs.writeFileSync(file, JSON.stringify(description), { mode: 0o600 });
}

export function readDescription(file: string): ApiDescription {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ApiDescription;
}

export function readPlan(file: string): Set<string> {
  return new Set(JSON.parse(fs.readFileSync(file, 'utf8')) as string[]);
}
