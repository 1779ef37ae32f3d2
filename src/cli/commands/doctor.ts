// `doctor [options]`: the pre-flight of `run` alone, with the same options: one `ok`/`problem` line per
// prerequisite on stdout; creates nothing. Exit 0 when all is well, 2 on any problem.
import type { Command } from 'commander';
import { addTargetOptions, type TargetOptions } from '../../config/options';
import { EXIT } from '../../errors';

export function doctorCommand(program: Command): void {
  addTargetOptions(
    program.command('doctor').description("check what `run` needs, with the same options, creating nothing: one ok/problem line per prerequisite"),
  ).action(async (options: TargetOptions) => {
    const { resolveRunConfig } = await import('../../config/options');
    const { withTarget } = await import('../../runner/target');
    const { formatFinding, preflight } = await import('../../runner/preflight');
    const { consoleRedactor } = await import('../../report/redact');
    // --only, --skip and --shard do not change what a run needs: any value the option accepts will do here.
    const { config, embedded } = resolveRunConfig({ ...options, only: undefined, skip: undefined }, { ruleIds: [], names: [] });
    const { findings } = await withTarget({ config, embedded }, (target) => preflight(target));
    for (const finding of findings) process.stdout.write(`${consoleRedactor.text(formatFinding(finding))}\n`);
    process.exitCode = findings.every((f) => f.ok) ? EXIT.passed : EXIT.cannotRun;
  });
}
