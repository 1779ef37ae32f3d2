// `fake-gitlab [--port N] [--json]`: the fake GitLab identity service alone (GitLab API v3 subset), to point
// an implementation under test at; runs until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { parsePort, untilSignal } from './serve';

interface FakeGitlabOptions {
  port?: string;
  json?: boolean;
}

export function fakeGitlabCommand(program: Command): void {
  program
    .command('fake-gitlab')
    .description('start the fake GitLab identity service (GitLab API v3 subset) on 127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', '0')
    .option('--json', 'print one JSON line {gitlabUrl, users} once listening')
    .action(async (options: FakeGitlabOptions) => {
      const port = parsePort(options.port, '--port');
      const { startFakeGitlab } = await import('../../fake-gitlab');
      const { CannotRunError } = await import('../../errors');
      const signal = untilSignal();
      let gitlab: Awaited<ReturnType<typeof startFakeGitlab>>;
      try {
        gitlab = await startFakeGitlab({ port, host: '127.0.0.1' });
      } catch (error) {
        throw new CannotRunError(`cannot start the fake GitLab: ${(error as Error).message}`);
      }
      const { url: gitlabUrl, users } = gitlab;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ gitlabUrl, users })}\n`);
      } else {
        process.stdout.write(
          [
            `Fake GitLab (API v3): ${gitlabUrl}/api/v3`,
            `Users (private tokens): maintainer ${users.maintainer}, developer ${users.developer}, outsider ${users.outsider}`,
            'The maintainer manages GitLab projects 1001-1120 (the developer has developer access to them);',
            'the outsider owns 2001-2002.',
            `Try: curl -H "PRIVATE-TOKEN: ${users.maintainer}" "${gitlabUrl}/api/v3/user"`,
            'Press Ctrl+C to stop.',
            '',
          ].join('\n'),
        );
      }
      await signal;
      await gitlab.close();
      process.exitCode = 0;
    });
}
