// The Pact provider verification as part of a run: one check per pact interaction, under the rule
// CONSUMER-CONTRACT, reported like every other check.
import path from 'node:path';
import type { RunConfig } from '../config/run-config';
import { loadPacts, PACTS_DIR } from '../pact/files';
import { CONTRACT_CONCURRENCY, CONTRACT_GITLAB_IDS, verifyPacts } from '../pact/verify';
import type { CheckResult } from '../report/results';
import { loadDescription } from '../spec/load';
import type { Ledger } from '../state/ledger';
import { matchOperation } from '../spec/response-validator';
import { PACKAGE_ROOT } from '../tool';
import { CONTRACT_RULE, pactCheckId } from './plan';

/** The consumer names of the committed pacts, which --only and --skip also accept. */
export function consumerNames(): string[] {
  return loadPacts(PACTS_DIR).map(({ pact }) => pact.consumer.name);
}

export interface RunShare {
  suites: RunConfig;
  /** Absent when the plan holds no interaction. */
  contracts?: RunConfig;
  /** Whether the two run at the same time (they then split --concurrency and the GitLab ids). */
  together: boolean;
}

/** GitLab ids the suites keep at least when the verification runs beside them. */
const SUITES_GITLAB_IDS = 3;

/**
 * The Pact verification replays each pact one interaction at a time (its lanes side by side), so it runs
 * beside the suites with its own share of --concurrency and GitLab ids (up to a third of each), the suites
 * keeping the rest.
 */
export function shareRun(config: RunConfig, gitlabProjectIds: number[], interactions: number): RunShare {
  const all = { ...config, gitlabProjectIds };
  if (!interactions) return { suites: all, together: false };
  const ids = Math.min(CONTRACT_GITLAB_IDS.wanted, Math.max(CONTRACT_GITLAB_IDS.needed, Math.floor(gitlabProjectIds.length / 3)));
  if (config.concurrency < 2 || gitlabProjectIds.length < ids + SUITES_GITLAB_IDS) return { suites: all, contracts: all, together: false };
  const concurrency = Math.min(CONTRACT_CONCURRENCY, Math.max(1, Math.floor(config.concurrency / 3)));
  return {
    suites: { ...config, concurrency: config.concurrency - concurrency, gitlabProjectIds: gitlabProjectIds.slice(0, -ids) },
    contracts: { ...config, concurrency, gitlabProjectIds: gitlabProjectIds.slice(-ids) },
    together: true,
  };
}

export interface ContractRun {
  /** The ids of the interactions to verify (./plan.ts). */
  planned: Set<string>;
  ledger?: Ledger;
  onReplayed?: () => void;
}

/** The verification's checks; a verification that cannot run at all is one failed check, never a crash. */
export async function verifyContracts(config: RunConfig, run: ContractRun): Promise<CheckResult[]> {
  try {
    return await contractChecks(config, run);
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

async function contractChecks(config: RunConfig, run: ContractRun): Promise<CheckResult[]> {
  const interactions = (consumer: string, description: string) => run.planned.has(pactCheckId(consumer, description));
  const [description, verification] = await Promise.all([loadDescription(), verifyPacts(config, { interactions, ledger: run.ledger, onReplayed: run.onReplayed })]);
  const pacts = loadPacts(PACTS_DIR);
  const pactRequests = new Map(pacts.flatMap(({ pact }) => pact.interactions.map((i) => [pactCheckId(pact.consumer.name, i.description), i.request] as const)));
  const pactFiles = new Map(pacts.map(({ file, pact }) => [pact.consumer.name, path.relative(PACKAGE_ROOT, file).split(path.sep).join('/')]));
  const checks = verification.interactions.map((interaction): CheckResult => {
    const id = pactCheckId(interaction.consumer, interaction.description);
    const request = pactRequests.get(id);
    const op = request ? matchOperation(description, request.method, request.path) : undefined;
    return {
      id,
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
