// `generate [--check]`: regenerates suites/ from spec/; --check exits 1 when suites/ is stale.
import type { Command } from 'commander';
import { EXIT } from '../../errors';

export function generateCommand(program: Command): void {
  program
    .command('generate')
    .description('regenerate the Jest suites in suites/ from the OpenAPI description and rule catalog in spec/')
    .option('--check', 'do not write: exit 1 when suites/ differs from what spec/ generates')
    .action(async (options: { check?: boolean }) => {
      const { loadDescription } = await import('../../spec/load');
      const { compareSuites, renderSuites, writeSuites } = await import('../../generate/suites');
      const expected = renderSuites(await loadDescription());
      const { stale, extra } = compareSuites(expected);
      if (options.check) {
        if (stale.length || extra.length) {
          process.stderr.write(`suites/ is stale (${[...stale, ...extra].join(', ')}): run \`npm run generate\`\n`);
          process.exitCode = EXIT.failed;
        } else {
          process.stdout.write(`suites/ is up to date (${expected.size} files)\n`);
        }
        return;
      }
      writeSuites(expected);
      const cases = [...expected.values()].reduce((n, text) => n + (text.match(/^ {6}\{"id"/gm)?.length ?? 0), 0);
      process.stdout.write(`wrote ${expected.size} suite files with ${cases} cases to suites/\n`);
    });
}
