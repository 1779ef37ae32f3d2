// `run [options]`: every conformance check against --target, or against the embedded reference server
// and fake GitLab when no target is given (`npm start`). Exit 0 passed, 1 non-conformant, 2 could not run.
import type { Command } from 'commander';
import { addTargetOptions, type TargetOptions } from '../../config/options';

export function runCommand(program: Command): void {
  addTargetOptions(
    program.command('run').description('run every conformance check against --target (default: the embedded reference server)'),
  ).action(async (options: TargetOptions) => {
    const { loadDescription } = await import('../../spec/load');
    const { knownRules } = await import('./rules');
    const { resolveRunConfig } = await import('../../config/options');
    const { consumerNames } = await import('../../runner/contracts');
    const description = await loadDescription();
    const { config, embedded } = resolveRunConfig(options, {
      ruleIds: description.catalog.rules.map((r) => r.id),
      names: [...description.operations.map((o) => o.operationId), ...description.operations.map((o) => o.tag), ...consumerNames()],
      rules: knownRules(description),
    });
    const { consoleRedactor } = await import('../../report/redact');
    const log = (line: string) => process.stderr.write(`${consoleRedactor.text(line)}\n`);
    const { certify } = await import('../../runner/run');
    const { withTarget } = await import('../../runner/target');
    process.exitCode = (await withTarget({ config, embedded }, 'certifying', log, (target) => certify(target, log))).exitCode;
  });
}
