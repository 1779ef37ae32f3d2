// Errors the CLI turns into one line on stderr and exit code 2 ("could not run"), never a stack trace.

/** Bad input from the user: an option, a missing credential, an unwritable directory. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The run could not start: target unreachable, bootstrap failed. */
export class CannotRunError extends Error {
  override readonly name = 'CannotRunError';
}

export const EXIT = { passed: 0, failed: 1, cannotRun: 2 } as const;
