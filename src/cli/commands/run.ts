// `run [options]`: every conformance check against --target, or against the embedded reference server
// and fake GitLab when no target is given (`npm start`). Exit 0 passed, 1 non-conformant, 2 could not run.
import type { Command } from 'commander';
import { addTargetOptions, type TargetOptions } from '../../config/options';

export function runCommand(program: Command): void {
  addTargetOptions(
    program.command('run').description('run every conformance check against --target (default: the embedded reference server)'),
  ).action(async (options: TargetOptions) => {
    const { certifyWithOptions } = await import('../../runner/command');
    process.exitCode = (await certifyWithOptions(options, (line) => process.stderr.write(`${line}\n`))).exitCode;
  });
}
