// The Pact provider verification as part of a run: one check per pact interaction, under the rule
// CONSUMER-CONTRACT, reported like every other check.
import type { RunConfig } from '../config/run-config';
import { loadPacts, PACTS_DIR } from '../pact/files';
import { verifyPacts } from '../pact/verify';
import type { CheckResult } from '../report/results';
import { loadDescription } from '../spec/load';
import { matchOperation } from '../spec/response-validator';

export const CONTRACT_RULE = 'CONSUMER-CONTRACT';

/** The consumer names of the committed pacts, which --only and --skip also accept. */
export function consumerNames(): string[] {
  return loadPacts(PACTS_DIR).map(({ pact }) => pact.consumer.name);
}

/** Which consumers' pacts the run verifies under --only/--skip (none when the rule is deselected). */
export function selectedConsumers(config: Pick<RunConfig, 'only' | 'skip'>): string[] {
  const all = consumerNames();
  if (config.skip.includes(CONTRACT_RULE)) return [];
  const picked = config.only.length && !config.only.includes(CONTRACT_RULE) ? all.filter((c) => config.only.includes(c)) : all;
  return picked.filter((c) => !config.skip.includes(c));
}

export async function verifyContracts(config: RunConfig): Promise<CheckResult[]> {
  const consumers = selectedConsumers(config);
  if (!consumers.length) return [];
  const [description, verification] = await Promise.all([loadDescription(), verifyPacts(config, { consumers })]);
  const pactRequests = new Map(
    loadPacts(PACTS_DIR).flatMap(({ pact }) => pact.interactions.map((i) => [`${pact.consumer.name}\u0000${i.description}`, i.request] as const)),
  );
  const checks = verification.interactions.map((interaction): CheckResult => {
    const request = pactRequests.get(`${interaction.consumer}\u0000${interaction.description}`);
    const op = request ? matchOperation(description, request.method, request.path) : undefined;
    return {
      id: `pact:${interaction.consumer}:${interaction.description}`,
      rule: CONTRACT_RULE,
      operation: op ? `${op.method} ${op.path}` : `${request?.method ?? '?'} ${request?.path ?? '?'}`,
      title: `${interaction.consumer}: ${interaction.description}${interaction.states.length ? ` (given ${interaction.states.join(', ')})` : ''}`,
      status: interaction.status,
      reason: [interaction.reason, ...interaction.mismatches].filter(Boolean).join(' ') || undefined,
      durationMs: interaction.durationMs,
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
