// HTTP errors of the reference server: every error answers {"message": "..."}.
import { DomainError } from '../domain';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (detail: string): HttpError => new HttpError(400, `400 (Bad request) ${detail}`);
export const notGiven = (name: string): HttpError => badRequest(`"${name}" not given`);
export const unauthorized = (): HttpError => new HttpError(401, '401 Unauthorized');
export const forbiddenError = (): HttpError => new HttpError(403, '403 Forbidden');
export const notFoundError = (what = 'Not Found'): HttpError => new HttpError(404, `404 ${what}`);
export const methodNotAllowed = (allow: string[]): HttpError =>
  new HttpError(405, '405 Method Not Allowed', { Allow: allow.join(', ') });

/** The status and message of a domain failure. */
export function fromDomainError(error: DomainError): HttpError {
  switch (error.kind) {
    case 'invalid':
      return badRequest(error.message);
    case 'forbidden':
      return forbiddenError();
    case 'not-found':
      return notFoundError(error.message);
    case 'conflict':
      return new HttpError(409, `409 Conflict: ${error.message}`);
    case 'unprocessable':
      return new HttpError(422, `422 Unprocessable: ${error.message}`);
  }
}
