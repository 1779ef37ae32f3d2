// Failures of the domain, named by what went wrong; the HTTP layer maps each kind to a decision (a status).
export type DomainErrorKind =
  | 'invalid' // a required attribute is missing or malformed (400)
  | 'project-token-refused' // a CI credential that does not allow this (403) ...
  | 'registration-token-refused'
  | 'runner-token-refused'
  | 'not-found' // no such resource, or not visible to the caller (404)
  | 'name-taken' // another project has the name (409)
  | 'gitlab-project-taken' // the GitLab project already has a CI project (409)
  | 'unprocessable'; // well-formed but invalid values (422)

/** The CI credentials the domain checks (Authentication #2 to #4). */
export type CiCredential = 'project' | 'registration' | 'runner';

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
export const forbidden = (credential: CiCredential): DomainError => new DomainError(`${credential}-token-refused`, `this ${credential} token is not accepted`);
export const notFound = (message = 'Not Found'): DomainError => new DomainError('not-found', message);
export const conflict = (kind: 'name-taken' | 'gitlab-project-taken', message: string): DomainError => new DomainError(kind, message);
export const unprocessable = (message: string): DomainError => new DomainError('unprocessable', message);
