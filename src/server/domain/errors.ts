// Failures of the domain, named by what went wrong; the HTTP layer maps each kind to a status code.
export type DomainErrorKind =
  | 'invalid' // a required attribute is missing or malformed (400)
  | 'forbidden' // the credentials do not allow this (403)
  | 'not-found' // no such resource, or not visible to the caller (404)
  | 'conflict' // a conflicting resource exists (409)
  | 'unprocessable'; // well-formed but invalid values (422)

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string): DomainError => new DomainError('invalid', message);
export const forbidden = (message = 'Forbidden'): DomainError => new DomainError('forbidden', message);
export const notFound = (message = 'Not Found'): DomainError => new DomainError('not-found', message);
export const conflict = (message: string): DomainError => new DomainError('conflict', message);
export const unprocessable = (message: string): DomainError => new DomainError('unprocessable', message);
