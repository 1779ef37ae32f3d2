// `run [options]`: every conformance check against --target, or against the embedded reference server
// and fake GitLab when no target is given (`npm start`). Exit 0 passed, 1 non-conformant, 2 could not run.
import type { Command } from 'commander';
import { addTargetOptions, type TargetOptions } from '../../config/options';
import type { RunConfig } from '../../config/run-config';

export function runCommand(program: Command): void {
  addTargetOptions(
    program.command('run').description('run every conformance check against --target (default: the embedded reference server)'),
  ).action(async (options: TargetOptions) => {
    const { loadDescription } = await import('../../spec/load');
    const { resolveRunConfig } = await import('../../config/options');
    const { consumerNames } = await import('../../runner/contracts');
    const description = await loadDescription();
    const { config, embedded } = resolveRunConfig(options, {
      ruleIds: description.catalog.rules.map((r) => r.id),
      names: [...description.operations.map((o) => o.operationId), ...description.operations.map((o) => o.tag), ...consumerNames()],
    });
    const { consoleRedactor } = await import('../../report/redact');
    const log = (line: string) => process.stderr.write(`${consoleRedactor.text(line)}\n`);
    const { certify } = await import('../../runner/run');
    if (!embedded) {
      process.exitCode = (await certify(config as RunConfig, log)).exitCode;
      return;
    }
    const { startReferenceStack } = await import('../../server');
    const stack = await startReferenceStack({ port: 0, gitlabPort: 0, registrationToken: config.registrationToken });
    for (const token of [stack.registrationToken, ...Object.values(stack.users)]) consoleRedactor.add(token);
    log(`No --target: certifying the embedded reference server at ${stack.url} (fake GitLab at ${stack.gitlabUrl})`);
    try {
      const outcome = await certify(
        {
          ...config,
          target: stack.url,
          gitlabUrl: stack.gitlabUrl,
          privateToken: stack.users.maintainer,
          developerToken: stack.users.developer,
          outsiderToken: stack.users.outsider,
          registrationToken: stack.registrationToken,
        },
        log,
      );
      process.exitCode = outcome.exitCode;
    } finally {
      await stack.close();
    }
  });
}
