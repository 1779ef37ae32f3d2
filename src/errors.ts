// Errors every layer may throw and the CLI turns into one line on stderr and exit code 2 ("could not
// run"), never a stack trace; and the exit codes. Shared by all layers: nothing here imports upwards.

/** Bad input from the user: an option, a missing credential, an unwritable directory. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The run could not start: target unreachable, bootstrap failed. */
export class CannotRunError extends Error {
  override readonly name = 'CannotRunError';
}

export const EXIT = { passed: 0, failed: 1, cannotRun: 2 } as const;

/** The first line of an error's message, secrets redacted: all the console ever shows of an error. */
export function oneLine(error: unknown, redactor: { text(text: string): string }): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactor.text(message.split('\n').find((l) => l.trim()) ?? (error instanceof Error ? error.name : 'unknown error')).trim();
}
