// `verify-pacts [options]`: Pact provider verification alone (every pact in contracts/pacts) against
// --target, or against the embedded reference server and fake GitLab when no target is given.
// Exit 0 every interaction that ran passed, 1 one failed, 2 could not run.
import type { Command } from 'commander';
import { addTargetOptions, type TargetOptions } from '../../config/options';
import type { InteractionStatus, VerificationResult } from '../../pact/verify';
import { EXIT } from '../../errors';

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
      const { inShard, pactCheckId, planInteractions } = await import('../../runner/plan');
      const { loadDescription, operationsByRule } = await import('../../spec/load');
      const pacts = loadPacts();
      const description = await loadDescription();
      // --only / --skip name consumers here (gitlab-runner, gitlab, ci-dashboard); a waivers file is the run's.
      const { config, embedded } = resolveRunConfig(options, { ruleIds: [], names: pacts.map((p) => p.pact.consumer.name), rules: operationsByRule(description) });
      const planned = new Set(inShard(planInteractions(pacts, config), config.shard).map((c) => c.id));
      const print = (result: VerificationResult) => process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatVerification(result));
      const { withTarget, targetName } = await import('../../runner/target');
      const { requireReady } = await import('../../runner/preflight');
      const { verifyPacts } = await import('../../pact/verify');
      const { consoleRedactor } = await import('../../report/redact');
      const log = (line: string) => process.stderr.write(`${consoleRedactor.text(line)}\n`);
      const verified = await withTarget({ config, embedded }, async (target, isEmbedded) => {
        log(`verifying the Pact contracts against ${targetName(target, isEmbedded)}: ${planned.size} interactions planned`);
        const gitlabProjectIds = await requireReady(target, log);
        return verifyPacts({ ...target, gitlabProjectIds }, { interactions: (consumer, description) => planned.has(pactCheckId(consumer, description)) });
      });
      const { waivedVerification } = await import('../../pact/waivers');
      const { waiversSummary } = await import('../../report/waivers');
      const { result, waivers } = config.waivers ? waivedVerification(verified, config.waivers.entries, description) : { result: verified, waivers: [] };
      print(result);
      for (const line of waiversSummary(config.waivers && waivers)) log(line);
      process.exitCode = result.summary.failed > 0 ? EXIT.failed : EXIT.passed;
    });
}

const MARKS: Record<InteractionStatus, string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', waived: 'WAIVED' };

/** One line per interaction, mismatches and reasons under it, then the summary. */
function formatVerification(result: VerificationResult): string {
  const lines = [`Pact verification of ${result.target}`];
  for (const i of result.interactions) {
    const mark = MARKS[i.status];
    lines.push(`  ${mark}  ${i.consumer}: ${i.description}`);
    if (i.reason) lines.push(`        ${i.reason}`);
    for (const m of i.mismatches) lines.push(`        ${m}`);
  }
  for (const f of result.cleanupFailures) lines.push(`  CLEANUP  ${f}`);
  const { passed, failed, skipped, waived } = result.summary;
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped${waived === undefined ? '' : `, ${waived} waived`} in ${(result.durationMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
