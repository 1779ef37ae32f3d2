// One exchange as the evidence keeps it: what was written, and what came back or why nothing did.
import { TransportError } from '../../http/client';
import type { ApiResponse, WireRequest, WireResponse } from '../../http/types';

export interface Recorded {
  request: WireRequest;
  response?: WireResponse;
  /** Why no (complete) answer came: a timeout, a reset, a truncated body. */
  error?: string;
  startedAt: number;
  durationMs: number;
}

const ofErrors = new WeakMap<TransportError, Recorded | undefined>();

/** The record of a client's outcome (the same object every time); undefined for a request never sent (the run stopping). */
export function recordedOf(outcome: ApiResponse | TransportError): Recorded | undefined {
  if (!(outcome instanceof TransportError)) return outcome.wire;
  if (!ofErrors.has(outcome)) ofErrors.set(outcome, outcome.sent && { ...outcome.sent, error: outcome.reason });
  return ofErrors.get(outcome);
}
