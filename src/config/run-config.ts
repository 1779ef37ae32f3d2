// Configuration of a run, read in one place: command-line options first, then the environment
// (PRODUCT.md lists both). Everything downstream receives a RunConfig and never reads process.env itself.
import { UsageError } from '../errors';
import { profileNames, STRICT_PROFILE } from '../spec/expectations';
import { readCatalog } from '../spec/files';
import type { Waivers } from './waivers';

export const DEFAULTS = {
  profile: STRICT_PROFILE,
  reportDir: 'reports',
  timeoutMs: 10_000,
  // Enough in flight that a run over a 50 ms network stays within 1.5x its local time (bench/README.md): a
  // run is short chains of dependent requests, and over a distant network the requests in flight bound it.
  concurrency: 96,
  // Generated checks: random inputs per operation and parameter (besides the fixed catalog of boundary and
  // hostile values, always tried), and random sequences of changes per list and steps per sequence. Chosen
  // so that the generated checks add well under a second to the embedded run (bench/README.md).
  examples: 2,
  sequences: 2,
  steps: 6,
};

export interface RunConfig {
  /** Base URL of the server under test (the API is at {target}/api/v1). */
  target: string;
  gitlabUrl: string;
  privateToken: string;
  developerToken?: string;
  outsiderToken?: string;
  registrationToken?: string;
  /** GitLab project ids the suite may use for its CI projects; discovered through the GitLab API when empty. */
  gitlabProjectIds: number[];
  /** A profile spec/rules.yaml declares (knownProfile). */
  profile: string;
  only: string[];
  skip: string[];
  reportDir: string;
  timeoutMs: number;
  concurrency: number;
  /** A short run-unique tag put in the name of everything the run creates. */
  runId: string;
  /** The seed of every generated input (--seed): the same seed replays the same inputs. */
  seed: number;
  /** Random inputs per generated check (--examples). */
  examples: number;
  /** Random sequences of changes per model-based check (--sequences), of at most `steps` steps (--steps). */
  sequences: number;
  steps: number;
  /** --shard i/n: only the i-th of n disjoint parts of the checks (src/runner/plan.ts). */
  shard?: Shard;
  /** Accepted deviations (--waivers): their failures are reported waived. */
  waivers?: Waivers;
}

/** The i-th (from 1) of `total` parts. */
export interface Shard {
  index: number;
  total: number;
}

export function parseShard(value: string, option: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const [index, total] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || index < 1 || total < 1 || index > total) {
    throw new UsageError(`${option}: expected i/n with 1 <= i <= n (the i-th of n parts, e.g. 2/3), got ${JSON.stringify(value)}`);
  }
  return { index, total };
}

/** Every secret of a config, for redaction: the tokens, and a password written into a URL (http://user:pass@host). */
export function secretsOf(
  config: Pick<RunConfig, 'privateToken' | 'developerToken' | 'outsiderToken' | 'registrationToken'> & { target?: string; gitlabUrl?: string },
): string[] {
  const passwords = [config.target, config.gitlabUrl].map(urlPassword);
  return [config.privateToken, config.developerToken, config.outsiderToken, config.registrationToken, ...passwords].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
}

/** The password of a URL's user info, decoded (the redactor also catches its encoded forms). */
export function urlPassword(url: string | undefined): string | undefined {
  try {
    const { password } = new URL(url ?? '');
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

export function apiBase(target: string): string {
  return `${target.replace(/\/+$/, '')}/api/v1`;
}

export function parseUrlOption(value: string, option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option}: not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${option}: must be an http:// or https:// URL, got ${url.protocol}`);
  }
  return value.replace(/\/+$/, '');
}

/** A seed: a whole number from 0 to 2^31-1 (what fast-check takes). */
export function parseSeed(value: string, option: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 0x7fffffff) throw new UsageError(`${option}: expected a whole number from 0 to 2147483647, got ${JSON.stringify(value)}`);
  return n;
}

/** The profiles spec/rules.yaml declares, strict first. */
export function knownProfiles(): string[] {
  return profileNames(readCatalog());
}

/** A profile the catalog declares; UsageError naming the option otherwise. */
export function knownProfile(name: string, option: string): string {
  const known = knownProfiles();
  if (!known.includes(name)) throw new UsageError(`${option}: unknown profile ${JSON.stringify(name)} (known: ${known.join(', ')})`);
  return name;
}

export function parsePositiveInt(value: string, option: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${option}: expected a whole number >= 1, got ${JSON.stringify(value)}`);
  }
  return n;
}
