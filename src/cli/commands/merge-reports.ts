// `merge-reports DIR... [--report-dir DIR]`: joins the report.json of every shard of one run into one set
// of reports (report.json, report.html, junit.xml) with the totals of the run without --shard. Exit 0
// every check passed, 1 one failed (or a shard left something behind or was stopped), 2 could not merge.
import path from 'node:path';
import { Option, type Command } from 'commander';
import { EXIT, UsageError } from '../../errors';

export function mergeReportsCommand(program: Command): void {
  program
    .command('merge-reports')
    .description('merge the report.json of the shards of one run (run --shard i/n) into one set of reports')
    .argument('<dir...>', "the shards' report directories (or their report.json)")
    .addOption(new Option('--report-dir <dir>', 'where the merged junit.xml, report.json and report.html go (default reports) [env GITLAB_CI_REPORT_DIR]'))
    .action(async (dirs: string[], options: { reportDir?: string }) => {
      const { mergeReports, readShardReport } = await import('../../report/merge');
      const { writeReports } = await import('../../report/write');
      const { Redactor } = await import('../../report/redact');
      const { formatCounts } = await import('../../report/summary');
      const reportDir = path.resolve(options.reportDir ?? process.env.GITLAB_CI_REPORT_DIR ?? 'reports');
      const parts = dirs.map(readShardReport);
      const overwritten = parts.find((p) => path.dirname(path.resolve(p.from)) === reportDir);
      if (overwritten) throw new UsageError(`--report-dir (GITLAB_CI_REPORT_DIR): ${reportDir} holds a shard's report (${overwritten.from}); write the merged one elsewhere`);
      const report = mergeReports(parts);
      // The shards' reports are redacted already; nothing in them is a secret left to hide.
      writeReports(reportDir, report, new Redactor([]));
      const log = (line: string) => process.stderr.write(`${line}\n`);
      log(`merged ${parts.length} shards: ${formatCounts(report.summary)} against ${report.target} (profile ${report.profile})${report.interrupted ? ` (${report.interrupted}: partial)` : ''}`);
      for (const note of report.notes ?? []) log(`Note: ${note}`);
      if (report.leftBehind.length) log(`Left behind on the target (remove by hand): ${report.leftBehind.join(', ')}`);
      log(`Reports: ${path.join(reportDir, 'report.html')}, report.json, junit.xml`);
      process.exitCode = report.summary.failed > 0 || report.leftBehind.length > 0 || report.interrupted ? EXIT.failed : EXIT.passed;
    });
}
