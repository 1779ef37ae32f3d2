// verify-pacts with --waivers: the waivers of CONSUMER-CONTRACT applied to the verification's interactions,
// as a run applies them to its checks (src/report/waivers.ts); the run itself applies them to the checks
// src/runner/contracts.ts makes of the interactions.
import type { Waiver } from '../config/waivers';
import type { CheckResult } from '../report/results';
import { applyWaivers, type WaiverOutcome } from '../report/waivers';
import { operationLabel } from '../spec/load';
import { matchOperation } from '../spec/response-validator';
import type { ApiDescription } from '../spec/types';
import { loadPacts } from './files';
import type { InteractionStatus, VerificationResult } from './verify';

/** The verification with the waivers of CONSUMER-CONTRACT applied to its interactions (src/report/waivers.ts). */
export function waivedVerification(result: VerificationResult, entries: Waiver[], description: ApiDescription): { result: VerificationResult; waivers: WaiverOutcome[] } {
  const requests = new Map(loadPacts().flatMap(({ pact }) => pact.interactions.map((i) => [`${pact.consumer.name}\u0000${i.description}`, i.request] as const)));
  const checks = result.interactions.map((i, k): CheckResult => {
    const request = requests.get(`${i.consumer}\u0000${i.description}`);
    const op = request && matchOperation(description, request.method, request.path);
    return { id: String(k), rule: 'CONSUMER-CONTRACT', operation: op ? operationLabel(op) : '', title: i.description, status: i.status, reason: i.reason };
  });
  const applied = applyWaivers(checks, entries, result.startedAt.slice(0, 10));
  const interactions = result.interactions.map((i, k) => (applied.checks[k].status === 'waived' ? { ...i, status: 'waived' as const, reason: applied.checks[k].reason } : i));
  const count = (status: InteractionStatus) => interactions.filter((i) => i.status === status).length;
  const summary = { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), waived: count('waived') };
  return { result: { ...result, interactions, summary }, waivers: applied.waivers };
}

