// What ties a report to what produced it: the tool and its version, the description it checked against
// (SHA-256 of the two spec files), the run, its target and its options (secrets redacted).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RunConfig, Shard } from '../config/run-config';
import { CATALOG_FILE, DESCRIPTION_FILE, SPEC_DIR } from '../spec/files';
import { TOOL } from '../tool';
import { REDACTED } from './redact';

/** The version of report.json's shape (README, "report.json"); raised on any change that is not an addition. */
export const REPORT_SCHEMA_VERSION = 1;

export interface RunMetadata {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: string; version: string };
  description: { sha256: string; rulesSha256: string };
  runId: string;
  /** The seed of generated inputs (`run --seed N` replays them). */
  seed: number | null;
  target: string;
  profile: string;
  options: RunOptions;
  /** Of a run with --shard: which part of the checks it ran (merge-reports joins the parts). */
  shard?: Shard;
}

/** The options that shape a run's results; a credential shows only whether it was given ([REDACTED]). */
export type RunOptions = Pick<
  RunConfig,
  'gitlabUrl' | 'privateToken' | 'developerToken' | 'outsiderToken' | 'registrationToken' | 'gitlabProjectIds' | 'only' | 'skip' | 'timeoutMs' | 'concurrency' | 'examples' | 'sequences' | 'steps'
> & {
  /** The waivers file (--waivers), when one was given. */
  waivers?: string;
};

export function runMetadata(config: RunConfig): RunMetadata {
  const given = (token: string | undefined) => (token ? REDACTED : undefined);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { ...TOOL },
    description: { sha256: sha256Of(DESCRIPTION_FILE), rulesSha256: sha256Of(CATALOG_FILE) },
    runId: config.runId,
    seed: config.seed,
    target: withoutPassword(config.target),
    profile: config.profile,
    options: {
      gitlabUrl: withoutPassword(config.gitlabUrl),
      privateToken: REDACTED,
      developerToken: given(config.developerToken),
      outsiderToken: given(config.outsiderToken),
      registrationToken: given(config.registrationToken),
      gitlabProjectIds: config.gitlabProjectIds,
      only: config.only,
      skip: config.skip,
      timeoutMs: config.timeoutMs,
      concurrency: config.concurrency,
      examples: config.examples,
      sequences: config.sequences,
      steps: config.steps,
      ...(config.waivers ? { waivers: config.waivers.file } : {}),
    },
    ...(config.shard ? { shard: config.shard } : {}),
  };
}

function sha256Of(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(path.join(SPEC_DIR, file))).digest('hex');
}

/** A URL with the password of its user info (if any) redacted. */
function withoutPassword(url: string): string {
  try {
    const { password } = new URL(url);
    return password ? url.replace(`:${password}@`, `:${REDACTED}@`) : url;
  } catch {
    return url;
  }
}
