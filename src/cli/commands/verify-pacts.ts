// `verify-pacts [options]`: Pact provider verification alone (every pact in contracts/pacts) against
// --target, or against the embedded reference server and fake GitLab when no target is given.
// Exit 0 every interaction that ran passed, 1 one failed, 2 could not run.
import type { Command } from 'commander';
import { addTargetOptions, type TargetOptions } from '../../config/options';
import type { RunConfig } from '../../config/run-config';
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
      const { loadDescription } = await import('../../spec/load');
      const { knownRules } = await import('./rules');
      const consumers = loadPacts().map((p) => p.pact.consumer.name);
      const description = await loadDescription();
      // --only / --skip name consumers here (gitlab-runner, gitlab, ci-dashboard); a waivers file is the run's.
      const { config, embedded } = resolveRunConfig(options, { ruleIds: [], names: consumers, rules: knownRules(description) });
      const selected = consumers.filter((c) => (config.only.length === 0 || config.only.includes(c)) && !config.skip.includes(c));
      const print = (result: VerificationResult) => process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatVerification(result));
      const { withTarget, assertReachable } = await import('../../runner/target');
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const verified = await withTarget({ config, embedded }, 'verifying', log, async (target) => {
        await assertReachable(target);
        return verifyWith(target, selected);
      });
      const { waivedVerification } = await import('../../pact/waivers');
      const { waiversSummary } = await import('../../report/waivers');
      const { result, waivers } = config.waivers ? waivedVerification(verified, config.waivers.entries, description) : { result: verified, waivers: [] };
      print(result);
      for (const line of waiversSummary(config.waivers && waivers)) log(line);
      process.exitCode = result.summary.failed > 0 ? EXIT.failed : EXIT.passed;
    });
}

async function verifyWith(config: RunConfig, consumers: string[]): Promise<VerificationResult> {
  const { verifyPacts } = await import('../../pact/verify');
  return verifyPacts(config, { consumers });
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
  const { passed, failed, skipped, waived: waivedCount } = result.summary;
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped${waivedCount === undefined ? '' : `, ${waivedCount} waived`} in ${(result.durationMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
