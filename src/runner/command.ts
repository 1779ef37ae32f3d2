// `run` from its options to its outcome, for the CLI and the programmatic API alike: the options of the
// command line (strings, as typed; the environment fills what is not given), resolved and checked, then
// the run against the target or the embedded reference server.
import { resolveRunConfig, type TargetOptions } from '../config/options';
import { consoleRedactor } from '../report/redact';
import { loadDescription, operationsByRule } from '../spec/load';
import { consumerNames } from './contracts';
import { certify, type RunOutcome } from './run';
import { withTarget } from './target';

/** Resolves `options` like `run` does (UsageError on a bad one), and runs; `log` gets the console lines, secrets redacted. */
export async function certifyWithOptions(options: TargetOptions, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<RunOutcome> {
  const description = await loadDescription();
  const { config, embedded } = resolveRunConfig(
    options,
    {
      ruleIds: description.catalog.rules.map((r) => r.id),
      names: [...description.operations.map((o) => o.operationId), ...description.operations.map((o) => o.tag), ...consumerNames()],
      rules: operationsByRule(description),
    },
    env,
  );
  const redacted = (line: string) => log(consoleRedactor.text(line));
  return withTarget({ config, embedded }, (target, isEmbedded) => certify(target, redacted, description, isEmbedded));
}
