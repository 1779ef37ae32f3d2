// `serve [--port N] [--gitlab-port N] [--registration-token T] [--behave PROFILE] [--json]`: the reference
// GitLab CI v1 server with the fake GitLab identity service, until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { UsageError } from '../../errors';
import { knownProfile } from '../../config/run-config';

/** A TCP port option: an integer 0..65535 (0: any free port); UsageError naming the option otherwise. */
export function parsePort(value: string | undefined, option: string): number {
  if (value === undefined) return 0;
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || Number(text) > 65535) {
    throw new UsageError(`${option} must be a port number from 0 to 65535 (0: any free port), got "${value}"`);
  }
  return Number(text);
}

/** Resolves once SIGINT or SIGTERM arrives (then the caller closes what it started). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

interface ServeOptions {
  port?: string;
  gitlabPort?: string;
  registrationToken?: string;
  behave?: string;
  json?: boolean;
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('start the reference GitLab CI v1 server and the fake GitLab identity service on 127.0.0.1')
    .option('--port <n>', 'port of the reference server (0: any free port)', '0')
    .option('--gitlab-port <n>', 'port of the fake GitLab (0: any free port)', '0')
    .option('--registration-token <token>', 'the runners registration token (default: random)')
    .option('--behave <profile>', 'answer as a profile of spec/rules.yaml says the original server did, e.g. gitlab-ci-8.0 (default: strict)')
    .option('--json', 'print one JSON line {url, gitlabUrl, registrationToken, users} once listening')
    .action(async (options: ServeOptions) => {
      const port = parsePort(options.port, '--port');
      const gitlabPort = parsePort(options.gitlabPort, '--gitlab-port');
      if (options.registrationToken !== undefined && options.registrationToken.trim() === '') {
        throw new UsageError('--registration-token must not be empty');
      }
      const behave = options.behave === undefined ? undefined : knownProfile(options.behave, '--behave');
      const { startReferenceStack } = await import('../../server');
      const { CannotRunError } = await import('../../errors');
      const signal = untilSignal();
      let stack: Awaited<ReturnType<typeof startReferenceStack>>;
      try {
        stack = await startReferenceStack({ port, gitlabPort, registrationToken: options.registrationToken, behave });
      } catch (error) {
        throw new CannotRunError(`cannot start the servers: ${(error as Error).message}`);
      }
      const { url, gitlabUrl, registrationToken, users } = stack;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ url, gitlabUrl, registrationToken, users })}\n`);
      } else {
        process.stdout.write(
          [
            `GitLab CI v1 reference server: ${url}/api/v1${behave ? ` (behaving as ${behave})` : ''}`,
            `Fake GitLab (API v3):          ${gitlabUrl}/api/v3`,
            `Runners registration token:    ${registrationToken}`,
            `GitLab users (private tokens): maintainer ${users.maintainer}, developer ${users.developer}, outsider ${users.outsider}`,
            `Try: curl -H "PRIVATE-TOKEN: ${users.maintainer}" "${url}/api/v1/projects?url=${gitlabUrl}"`,
            'Press Ctrl+C to stop.',
            '',
          ].join('\n'),
        );
      }
      await signal;
      await stack.close();
      process.exitCode = 0;
    });
}
