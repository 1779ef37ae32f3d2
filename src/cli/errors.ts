// Errors the CLI turns into one line on stderr and exit code 2 ("could not run"), never a stack trace.
import type { Redactor } from '../report/redact';

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
export function oneLine(error: unknown, redactor: Redactor): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactor.text(message.split('\n').find((l) => l.trim()) ?? (error instanceof Error ? error.name : 'unknown error')).trim();
}

/**
 * Errors nobody caught (a rejected promise nobody awaited, an exception in a callback) would make Node
 * print a stack trace, and with it whatever the error object holds: the client's TransportError holds the
 * request as sent, its query and headers, with their tokens. They are reported as one redacted line instead, as internal
 * errors (exit 2). A rejection does not stop a run (it may be a stray promise of a case that already
 * ended, and stopping would skip the clean-up), but the run's verdict is not trusted: it exits 2.
 * An uncaught exception leaves the process in an unknown state: it exits 2 at once.
 */
export function installCrashGuards(redactor: Redactor, write: (line: string) => void = (l) => process.stderr.write(l)): { failed(): boolean } {
  let failed = false;
  process.on('unhandledRejection', (reason) => {
    failed = true;
    write(`gitlab-ci-conformance: internal error (unhandled rejection): ${oneLine(reason, redactor)}\n`);
  });
  process.on('uncaughtException', (error) => {
    write(`gitlab-ci-conformance: internal error: ${oneLine(error, redactor)}\n`);
    process.exit(EXIT.cannotRun);
  });
  return { failed: () => failed };
}
