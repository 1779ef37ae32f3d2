// The command line of gitlab-ci-conformance (see README). Each command lives in src/cli/commands/ and
// loads what it needs lazily, so that `serve` does not pay for Jest and `rules` not for a server.
import { Command, CommanderError } from 'commander';
import { CREDENTIAL_VARIABLES } from '../report/evidence/secrets';
import { consoleRedactor } from '../report/redact';
import { TOOL } from '../tool';
import { CannotRunError, EXIT, oneLine, UsageError } from '../errors';
import { installCrashGuards } from './errors';
import { registerCommands } from './commands';

/** How long the process may linger after its command ended (a stray socket or timer): then it exits. */
const EXIT_GRACE_MS = 2_000;

// Environment variables that hold secrets: known to the console's redactor before anything runs.
for (const variable of Object.values(CREDENTIAL_VARIABLES)) consoleRedactor.add(process.env[variable]);
const guards = installCrashGuards(consoleRedactor);

async function main(argv: string[]): Promise<number> {
  const program = new Command(TOOL.name)
    .description('Conformance suite for the GitLab CI API v1')
    .version(TOOL.version, '--version', 'print the version of gitlab-ci-conformance')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(consoleRedactor.text(commanderError(s))) })
    .showHelpAfterError(false);
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.passed;
  } catch (error) {
    return exitCodeFor(error);
  }
}

/** Commander's own errors ("error: unknown option '--x'\n(Did you mean --y?)") in the CLI's one-line form. */
function commanderError(text: string): string {
  if (!text.startsWith('error: ')) return text;
  return `gitlab-ci-conformance: ${text.slice('error: '.length).trim().replace(/\s*\n\s*/g, ' ')}\n`;
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its one-line message.
    return error.exitCode === 0 ? 0 : EXIT.cannotRun;
  }
  if (error instanceof UsageError || error instanceof CannotRunError) {
    process.stderr.write(`gitlab-ci-conformance: ${oneLine(error, consoleRedactor)}\n`);
    return EXIT.cannotRun;
  }
  process.stderr.write(`gitlab-ci-conformance: internal error: ${oneLine(error, consoleRedactor)}\n`);
  return EXIT.cannotRun;
}

main(process.argv).then((code) => {
  process.exitCode = guards.failed() ? EXIT.cannotRun : code;
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
});
