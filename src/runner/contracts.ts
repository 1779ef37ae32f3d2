// The Pact provider verification as part of a run: one check per pact interaction, under the rule
// CONSUMER-CONTRACT, reported like every other check.
import path from 'node:path';
import type { RunConfig } from '../config/run-config';
import { loadPacts, PACTS_DIR } from '../pact/files';
import { verifyPacts } from '../pact/verify';
import type { CheckResult } from '../report/results';
import { loadDescription } from '../spec/load';
import type { Ledger } from '../state/ledger';
import { matchOperation } from '../spec/response-validator';
import { PACKAGE_ROOT } from '../tool';

const CONTRACT_RULE = 'CONSUMER-CONTRACT';

/** The consumer names of the committed pacts, which --only and --skip also accept. */
export function consumerNames(): string[] {
  return loadPacts(PACTS_DIR).map(({ pact }) => pact.consumer.name);
}

/** Which consumers' pacts the run verifies under --only/--skip (none when the rule is deselected). */
function selectedConsumers(config: Pick<RunConfig, 'only' | 'skip'>): string[] {
  const all = consumerNames();
  if (config.skip.includes(CONTRACT_RULE)) return [];
  const picked = config.only.length && !config.only.includes(CONTRACT_RULE) ? all.filter((c) => config.only.includes(c)) : all;
  return picked.filter((c) => !config.skip.includes(c));
}

/** GitLab ids set aside for the provider states when they run beside the suites (they hold two at once). */
const CONTRACT_GITLAB_IDS = 4;

export interface RunShare {
  suites: RunConfig;
  /** Absent when no consumer is selected. */
  contracts?: RunConfig;
  /** Whether the two run at the same time (they then split --concurrency and the GitLab ids). */
  together: boolean;
}

/**
 * The Pact verification replays one interaction at a time, so it runs beside the suites with one request
 * in flight and its own GitLab ids, the suites keeping the rest: together they stay within --concurrency.
 */
export function shareRun(config: RunConfig, gitlabProjectIds: number[]): RunShare {
  const all = { ...config, gitlabProjectIds };
  if (!selectedConsumers(config).length) return { suites: all, together: false };
  if (config.concurrency < 2 || gitlabProjectIds.length < CONTRACT_GITLAB_IDS + 3) return { suites: all, contracts: all, together: false };
  return {
    suites: { ...config, concurrency: config.concurrency - 1, gitlabProjectIds: gitlabProjectIds.slice(0, -CONTRACT_GITLAB_IDS) },
    contracts: { ...config, concurrency: 1, gitlabProjectIds: gitlabProjectIds.slice(-CONTRACT_GITLAB_IDS) },
    together: true,
  };
}

/** The verification's checks; a verification that cannot run at all is one failed check, never a crash. */
export async function verifyContracts(config: RunConfig, ledger?: Ledger): Promise<CheckResult[]> {
  try {
    return await contractChecks(config, ledger);
  } catch (error) {
    return [
      {
        id: 'pact:verification',
        rule: CONTRACT_RULE,
        operation: 'contracts/pacts',
        title: 'the Pact provider verification runs',
        status: 'failed',
        reason: `the verification could not run: ${error instanceof Error ? error.message : String(error)}`,
      },
    ];
  }
}

async function contractChecks(config: RunConfig, ledger?: Ledger): Promise<CheckResult[]> {
  const consumers = selectedConsumers(config);
  if (!consumers.length) return [];
  const [description, verification] = await Promise.all([loadDescription(), verifyPacts(config, { consumers, ledger })]);
  const pacts = loadPacts(PACTS_DIR);
  const pactRequests = new Map(pacts.flatMap(({ pact }) => pact.interactions.map((i) => [`${pact.consumer.name}\u0000${i.description}`, i.request] as const)));
  const pactFiles = new Map(pacts.map(({ file, pact }) => [pact.consumer.name, path.relative(PACKAGE_ROOT, file).split(path.sep).join('/')]));
  const checks = verification.interactions.map((interaction): CheckResult => {
    const request = pactRequests.get(`${interaction.consumer}\u0000${interaction.description}`);
    const op = request ? matchOperation(description, request.method, request.path) : undefined;
    return {
      id: `pact:${interaction.consumer}:${interaction.description}`,
      rule: CONTRACT_RULE,
      operation: op ? `${op.method} ${op.path}` : `${request?.method ?? '?'} ${request?.path ?? '?'}`,
      suite: pactFiles.get(interaction.consumer),
      title: `${interaction.consumer}: ${interaction.description}${interaction.states.length ? ` (given ${interaction.states.join(', ')})` : ''}`,
      status: interaction.status,
      reason: [interaction.reason, ...interaction.mismatches].filter(Boolean).join(' ') || undefined,
      durationMs: interaction.durationMs,
      evidence: interaction.evidence,
    };
  });
  if (verification.cleanupFailures.length) {
    checks.push({
      id: 'pact:cleanup',
      rule: CONTRACT_RULE,
      operation: 'provider states',
      title: 'everything the provider states created is removed',
      status: 'failed',
      reason: `could not remove: ${verification.cleanupFailures.join(', ')}`,
    });
  }
  return checks;
}
