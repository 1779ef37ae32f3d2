// `verify-pacts [options]`: Pact provider verification alone (every pact in contracts/pacts) against
// --target, or against the embedded reference server and fake GitLab when no target is given.
// Exit 0 every interaction that ran passed, 1 one failed, 2 could not run.
import type { Command } from 'commander';
import { addTargetOptions, type TargetOptions } from '../../config/options';
import type { RunConfig } from '../../config/run-config';
import type { VerificationResult } from '../../pact/verify';
import { CannotRunError, EXIT } from '../errors';

interface VerifyPactsCommandOptions extends TargetOptions {
  json?: boolean;
}

export function verifyPactsCommand(program: Command): void {
  addTargetOptions(
    program
      .command('verify-pacts')
      .description('verify the Pact contracts of contracts/pacts against --target (default: the embedded reference server)'),
  )
    .option('--json', 'print the verification result as JSON instead of text')
    .action(async (options: VerifyPactsCommandOptions) => {
      const { resolveRunConfig } = await import('../../config/options');
      const { loadPacts } = await import('../../pact/files');
      const consumers = loadPacts().map((p) => p.pact.consumer.name);
      // --only / --skip name consumers here (gitlab-runner, gitlab, ci-dashboard).
      const { config, embedded } = resolveRunConfig(options, { ruleIds: [], names: consumers });
      const selected = consumers.filter((c) => (config.only.length === 0 || config.only.includes(c)) && !config.skip.includes(c));
      const print = (result: VerificationResult) => process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatVerification(result));
      if (!embedded) {
        const full = config as RunConfig;
        await assertReachable(full);
        const result = await verifyWith(full, selected);
        print(result);
        process.exitCode = result.summary.failed > 0 ? EXIT.failed : EXIT.passed;
        return;
      }
      const { startReferenceStack } = await import('../../server');
      const stack = await startReferenceStack({ registrationToken: config.registrationToken });
      process.stderr.write(`No --target: verifying the embedded reference server at ${stack.url} (fake GitLab at ${stack.gitlabUrl})\n`);
      try {
        const result = await verifyWith(
          {
            ...config,
            target: stack.url,
            gitlabUrl: stack.gitlabUrl,
            privateToken: stack.users.maintainer,
            developerToken: stack.users.developer,
            outsiderToken: stack.users.outsider,
            registrationToken: stack.registrationToken,
          },
          selected,
        );
        print(result);
        process.exitCode = result.summary.failed > 0 ? EXIT.failed : EXIT.passed;
      } finally {
        await stack.close();
      }
    });
}

async function verifyWith(config: RunConfig, consumers: string[]): Promise<VerificationResult> {
  const { verifyPacts } = await import('../../pact/verify');
  return verifyPacts(config, { consumers });
}

/** Exit 2, not 1, when the target cannot be reached at all. */
async function assertReachable(config: RunConfig): Promise<void> {
  const { HttpClient, TransportError } = await import('../../http/client');
  const { apiBase } = await import('../../config/run-config');
  const api = new HttpClient({ baseUrl: apiBase(config.target), timeoutMs: config.timeoutMs, concurrency: 1 });
  try {
    await api.send({ method: 'GET', path: '/runners', headers: { 'PRIVATE-TOKEN': config.privateToken }, query: { url: config.gitlabUrl } });
  } catch (error) {
    if (error instanceof TransportError) throw new CannotRunError(`target ${config.target} cannot be reached: ${error.message}`);
    throw error;
  }
}

/** One line per interaction, mismatches and reasons under it, then the summary. */
export function formatVerification(result: VerificationResult): string {
  const lines = [`Pact verification of ${result.target}`];
  for (const i of result.interactions) {
    const mark = i.status === 'passed' ? 'PASS' : i.status === 'failed' ? 'FAIL' : 'SKIP';
    lines.push(`  ${mark}  ${i.consumer}: ${i.description}`);
    if (i.reason) lines.push(`        ${i.reason}`);
    for (const m of i.mismatches) lines.push(`        ${m}`);
  }
  for (const f of result.cleanupFailures) lines.push(`  CLEANUP  ${f}`);
  const { passed, failed, skipped } = result.summary;
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped in ${(result.durationMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
