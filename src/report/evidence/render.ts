// A check's evidence as the reports show it: the exchanges as they went over the wire (method, full URL,
// every header, the body as sent; the status, headers and body as received; the duration), redacted. A
// body is shown as text when it is valid UTF-8, else as {"base64": ...}.
import type { WireRequest, WireResponse } from '../../http/types';
import { isSecretName, REDACTED, type Redactor } from '../redact';
import type { Recorded } from './recorded';

export type EvidenceBody = string | { base64: string };

export interface EvidenceRequest {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  /** Absent when the request had no body at all. */
  body?: EvidenceBody;
}

export interface EvidenceResponse {
  httpVersion: string;
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: EvidenceBody;
  durationMs: number;
}

/** A request that got no (complete) answer. */
export interface EvidenceNoAnswer {
  error: string;
  durationMs: number;
}

export interface EvidenceExchange {
  request: EvidenceRequest;
  response: EvidenceResponse | EvidenceNoAnswer;
}

export interface Evidence extends EvidenceExchange {
  /** The exchanges that led to the deciding one (`request`/`response`), in the order sent. */
  exchanges: EvidenceExchange[];
  /** A replay: one curl command, or a sh script for a sequence (README, "Reproduce a failure"). */
  curl?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function bodyOf(bytes: Buffer, redactor: Redactor): EvidenceBody {
  const safe = redactor.bytes(bytes);
  try {
    return utf8.decode(safe);
  } catch {
    return { base64: safe.toString('base64') };
  }
}

const headersOf = (headers: Array<[string, string]>, redactor: Redactor): Array<[string, string]> =>
  headers.map(([name, value]) => [name, isSecretName(name) ? REDACTED : redactor.text(value)]);

function requestEvidence(request: WireRequest, redactor: Redactor): EvidenceRequest {
  return {
    method: request.method,
    url: redactor.text(request.url),
    headers: headersOf(request.headers, redactor),
    ...(request.body ? { body: bodyOf(request.body, redactor) } : {}),
  };
}

function responseEvidence(response: WireResponse, durationMs: number, redactor: Redactor): EvidenceResponse {
  return {
    httpVersion: response.httpVersion,
    status: response.status,
    statusText: response.statusText,
    headers: headersOf(response.headers, redactor),
    body: bodyOf(response.body, redactor),
    durationMs: Math.round(durationMs * 10) / 10,
  };
}

function exchangeEvidence(step: Recorded, redactor: Redactor): EvidenceExchange {
  return {
    request: requestEvidence(step.request, redactor),
    response: step.response
      ? responseEvidence(step.response, step.durationMs, redactor)
      : { error: redactor.text(step.error ?? 'no answer'), durationMs: Math.round(step.durationMs * 10) / 10 },
  };
}

/** The evidence of a sequence whose last step decided the check. */
export function evidenceOf(steps: Recorded[], redactor: Redactor, curl?: string): Evidence {
  const deciding = exchangeEvidence(steps[steps.length - 1], redactor);
  return { ...deciding, exchanges: steps.slice(0, -1).map((s) => exchangeEvidence(s, redactor)), ...(curl ? { curl } : {}) };
}
