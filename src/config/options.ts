// The options of `run` and `verify-pacts` (PRODUCT.md), declared once, and their resolution into a
// RunConfig: option first, then environment variable, then default.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors';
import { consoleRedactor } from '../report/redact';
import { DEFAULTS, knownProfile, knownProfiles, parsePositiveInt, parseSeed, parseShard, parseUrlOption, secretsOf, type RunConfig } from './run-config';
import { readWaivers, type KnownRules } from './waivers';

export interface TargetOptions {
  target?: string;
  gitlabUrl?: string;
  privateToken?: string;
  developerToken?: string;
  outsiderToken?: string;
  registrationToken?: string;
  gitlabProjectIds?: string;
  profile?: string;
  only?: string;
  skip?: string;
  reportDir?: string;
  timeout?: string;
  concurrency?: string;
  seed?: string;
  examples?: string;
  sequences?: string;
  steps?: string;
  shard?: string;
  waivers?: string;
}

/** [flag, environment variable, description] of every option the run reads. */
export const OPTIONS: Array<[string, string | undefined, string]> = [
  ['--target <url>', 'GITLAB_CI_URL', 'base URL of the server under test (the API is at {URL}/api/v1); default: the embedded reference server'],
  ['--gitlab-url <url>', 'GITLAB_URL', 'the GitLab instance the server trusts, sent as url with user tokens'],
  ['--private-token <token>', 'GITLAB_CI_PRIVATE_TOKEN', 'token of a user who may manage the projects the suite creates'],
  ['--developer-token <token>', 'GITLAB_CI_DEVELOPER_TOKEN', 'optional: a user who can access but not manage them (enables 403 checks)'],
  ['--outsider-token <token>', 'GITLAB_CI_OUTSIDER_TOKEN', 'optional: a valid user with no access to them'],
  ['--registration-token <token>', 'GITLAB_CI_REGISTRATION_TOKEN', 'the runners registration token'],
  ['--gitlab-project-ids <ids>', 'GITLAB_CI_GITLAB_PROJECT_IDS', 'comma-separated GitLab project ids the suite may attach its CI projects to; default: found through the GitLab API'],
  ['--profile <name>', 'GITLAB_CI_PROFILE', `${knownProfiles().join(' | ')} (default ${DEFAULTS.profile})`],
  ['--only <list>', undefined, 'comma-separated rule IDs, operation ids or resource names to run'],
  ['--skip <list>', undefined, 'comma-separated rule IDs, operation ids or resource names not to run'],
  ['--report-dir <dir>', 'GITLAB_CI_REPORT_DIR', `where junit.xml, report.json and report.html go (default ${DEFAULTS.reportDir})`],
  ['--timeout <ms>', 'GITLAB_CI_TIMEOUT', `per-request timeout in milliseconds (default ${DEFAULTS.timeoutMs})`],
  ['--concurrency <n>', 'GITLAB_CI_CONCURRENCY', `at most this many requests in flight (default ${DEFAULTS.concurrency})`],
  ['--seed <n>', 'GITLAB_CI_SEED', 'seed of the generated inputs: the same seed replays the same inputs (default: random, printed)'],
  ['--examples <n>', 'GITLAB_CI_EXAMPLES', `random generated inputs per operation and parameter, besides the fixed catalog (default ${DEFAULTS.examples})`],
  ['--sequences <n>', 'GITLAB_CI_SEQUENCES', `random sequences of changes per model-based check (default ${DEFAULTS.sequences})`],
  ['--steps <n>', 'GITLAB_CI_STEPS', `steps per sequence at most (default ${DEFAULTS.steps})`],
  ['--shard <i/n>', undefined, 'run only the i-th of n disjoint parts of the checks (merge the parts with merge-reports)'],
  ['--waivers <file>', 'GITLAB_CI_WAIVERS', 'accepted deviations, YAML or JSON (rule, optional operation, reason, optional expires): reported waived, never passed'],
];

export function addTargetOptions(command: Command): Command {
  for (const [flags, env, description] of OPTIONS) {
    command.addOption(new Option(flags, env ? `${description} [env ${env}]` : description));
  }
  return command;
}

function fromEnv(options: TargetOptions, env: NodeJS.ProcessEnv): TargetOptions {
  const merged: Record<string, string | undefined> = { ...options } as Record<string, string | undefined>;
  for (const [flags, variable] of OPTIONS) {
    const key = flags.replace(/^--/, '').split(' ')[0].replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    if (merged[key] === undefined && variable && env[variable]) merged[key] = env[variable];
  }
  return merged as TargetOptions;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Resolves options into a RunConfig. Without a target, the caller fills target, gitlabUrl and the tokens
 * from the embedded server (`embedded: true`).
 */
export function resolveRunConfig(
  options: TargetOptions,
  /** Rule IDs and names --only/--skip may use; the rules a waiver may name, with their operations. */
  known: { ruleIds: string[]; names: string[]; rules?: KnownRules },
  env: NodeJS.ProcessEnv = process.env,
): { config: Omit<RunConfig, 'target' | 'gitlabUrl' | 'privateToken'> & Partial<RunConfig>; embedded: boolean } {
  const o = fromEnv(options, env);
  for (const secret of secretsOf({ ...o, privateToken: o.privateToken ?? '' })) consoleRedactor.add(secret);
  const embedded = o.target === undefined;
  if (!embedded) {
    const missing: string[] = [];
    if (!o.gitlabUrl) missing.push('--gitlab-url (GITLAB_URL)');
    if (!o.privateToken) missing.push('--private-token (GITLAB_CI_PRIVATE_TOKEN)');
    if (missing.length) throw new UsageError(`with --target, also set ${missing.join(' and ')}`);
  }
  const profile = knownProfile(o.profile ?? DEFAULTS.profile, '--profile');
  const only = list(o.only);
  const skip = list(o.skip);
  for (const [option, values] of [['--only', only], ['--skip', skip]] as const) {
    const unknown = values.filter((v) => !known.ruleIds.includes(v) && !known.names.includes(v));
    if (unknown.length) throw new UsageError(`${option}: unknown rule or resource ${unknown.map((u) => JSON.stringify(u)).join(', ')} (see \`gitlab-ci-conformance rules\`)`);
  }
  const gitlabProjectIds = list(o.gitlabProjectIds).map((id) => parsePositiveInt(id, '--gitlab-project-ids'));
  const reportDir = path.resolve(o.reportDir ?? DEFAULTS.reportDir);
  assertWritableDir(reportDir);
  const waivers = o.waivers === undefined ? undefined : readWaivers(path.resolve(o.waivers), known.rules ?? new Map());
  return {
    embedded,
    config: {
      target: o.target === undefined ? undefined : withoutApiPath(parseUrlOption(o.target, '--target'), '--target', '/api/v1'),
      gitlabUrl: o.gitlabUrl === undefined ? undefined : withoutApiPath(parseUrlOption(o.gitlabUrl, '--gitlab-url'), '--gitlab-url', '/api/v3'),
      privateToken: o.privateToken,
      developerToken: o.developerToken,
      outsiderToken: o.outsiderToken,
      registrationToken: o.registrationToken,
      gitlabProjectIds,
      profile,
      only,
      skip,
      reportDir,
      timeoutMs: o.timeout === undefined ? DEFAULTS.timeoutMs : parsePositiveInt(o.timeout, '--timeout'),
      concurrency: o.concurrency === undefined ? DEFAULTS.concurrency : parsePositiveInt(o.concurrency, '--concurrency'),
      runId: crypto.randomBytes(4).toString('hex'),
      seed: o.seed === undefined ? crypto.randomInt(0x7fffffff) : parseSeed(o.seed, '--seed'),
      examples: o.examples === undefined ? DEFAULTS.examples : parsePositiveInt(o.examples, '--examples'),
      sequences: o.sequences === undefined ? DEFAULTS.sequences : parsePositiveInt(o.sequences, '--sequences'),
      steps: o.steps === undefined ? DEFAULTS.steps : parsePositiveInt(o.steps, '--steps'),
      ...(o.shard === undefined ? {} : { shard: parseShard(o.shard, '--shard') }),
      ...(waivers ? { waivers } : {}),
    },
  };
}

/** The base URL of a server, refused when it already holds the API path the suite adds (which would then be there twice). */
function withoutApiPath(url: string, option: string, apiPath: string): string {
  if (!url.toLowerCase().endsWith(apiPath)) return url;
  throw new UsageError(`${option}: give the server's base URL without ${apiPath} (the suite adds it): ${url.slice(0, -apiPath.length) || url}`);
}

const WRITE_CAUSES: Record<string, string> = {
  EEXIST: 'it is a file, not a directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** The report directory exists (created if need be) and a file can be written in it, before anything runs. */
function assertWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    // Writing a file is the only sure test (access() answers yes to root on a read-only mount).
    const probe = path.join(dir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`--report-dir (GITLAB_CI_REPORT_DIR): cannot write reports to ${dir}: ${WRITE_CAUSES[code] ?? code}`);
  }
}
