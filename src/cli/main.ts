// The command line of gitlab-ci-conformance (see README). Each command lives in src/cli/commands/ and
// loads what it needs lazily, so that `serve` does not pay for Jest and `rules` not for a server.
import { Command, CommanderError } from 'commander';
import { CannotRunError, EXIT, UsageError } from './errors';
import { registerCommands } from './commands';

async function main(argv: string[]): Promise<number> {
  const program = new Command('gitlab-ci-conformance')
    .description('Conformance suite for the GitLab CI API v1')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError(false);
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.passed;
  } catch (error) {
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its one-line message ("error: unknown option '--x'").
    return error.exitCode === 0 ? 0 : EXIT.cannotRun;
  }
  if (error instanceof UsageError || error instanceof CannotRunError) {
    process.stderr.write(`gitlab-ci-conformance: ${error.message}\n`);
    return EXIT.cannotRun;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`gitlab-ci-conformance: internal error: ${message}\n`);
  return EXIT.cannotRun;
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
