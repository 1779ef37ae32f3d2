// The one error the typed clients throw for an answer they did not expect. It carries the status and
// the server's `message` (never the body itself, which may hold tokens); every credential the client
// sent is redacted from that message, so the error can be logged or reported as it is.
import type { ApiResponse } from '../http/types';

const REDACTED = '[REDACTED]';

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** What the client was doing, e.g. "POST /builds/register.json". */
    readonly operation: string,
    readonly status: number,
    /** The server's `message` field, redacted; undefined when the body had none. */
    readonly serverMessage: string | undefined,
    detail?: string,
  ) {
    super(`${operation} answered ${status}${serverMessage ? ` (${serverMessage})` : ''}${detail ? `: ${detail}` : ''}`);
  }

  static from(operation: string, response: ApiResponse, secrets: Array<string | undefined>, detail?: string): ApiError {
    const message = (response.body as { message?: unknown } | undefined)?.message;
    const text = typeof message === 'string' ? redact(message, secrets) : undefined;
    return new ApiError(operation, response.status, text, detail);
  }
}

function redact(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * The Go runner treats a success status whose Content-Type is not application/json (a charset is fine)
 * or whose body is not JSON as a failed call; the clients do the same.
 */
export function expectJson(operation: string, response: ApiResponse, secrets: Array<string | undefined>): unknown {
  const type = (response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw ApiError.from(operation, response, secrets, `Content-Type is ${JSON.stringify(type || 'missing')}, not application/json`);
  }
  if (response.notJson) throw ApiError.from(operation, response, secrets, 'the body is not JSON');
  return response.body;
}
