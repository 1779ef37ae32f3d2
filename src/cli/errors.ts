// The CLI's last line of defence: errors nobody caught become one redacted line and exit code 2.
import type { Redactor } from '../report/redact';
import { EXIT, oneLine } from '../errors';

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
