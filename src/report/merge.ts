// merge-reports: the report.json of every shard of one run (--shard 1/n .. n/n, one job each) joined into
// one report with the same checks and totals as the run without --shard. Only the parts of one run are
// joined: same tool version, description, target, profile and selection, every shard once.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors';
import { reportSchemaErrors } from './schema';
import { mergeWaiverOutcomes } from './waivers';
import { assembleReport, type RunReport } from './write';

export interface ShardReport {
  /** Where it was read from, to name it in an error. */
  from: string;
  report: RunReport;
}

/** A shard's report.json, from its directory (or the file itself); UsageError when it is not one. */
export function readShardReport(given: string): ShardReport {
  const file = fs.existsSync(given) && fs.statSync(given).isDirectory() ? path.join(given, 'report.json') : given;
  let report: unknown;
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const cause = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not JSON';
    throw new UsageError(`merge-reports: cannot read ${file}: ${cause}`);
  }
  const errors = reportSchemaErrors(report);
  if (errors.length) throw new UsageError(`merge-reports: ${file} is not a report.json of gitlab-ci-conformance: ${errors[0]}`);
  if (!(report as RunReport).shard) throw new UsageError(`merge-reports: ${file} is the report of a run without --shard: nothing to merge it with`);
  return { from: file, report: report as RunReport };
}

/** What must be the same in every part of one run, and how a person names it. */
const SAME: Array<[string, (r: RunReport) => unknown]> = [
  ['tool version', (r) => r.tool.version],
  ['description (spec/gitlab-ci-v1.openapi.yaml sha256)', (r) => r.description.sha256],
  ['rules (spec/rules.yaml sha256)', (r) => r.description.rulesSha256],
  ['target', (r) => r.target],
  ['profile', (r) => r.profile],
  ['number of shards', (r) => r.shard?.total],
  ['--only', (r) => r.options.only.join(',')],
  ['--skip', (r) => r.options.skip.join(',')],
  ['--waivers', (r) => r.options.waivers],
];

export function mergeReports(parts: ShardReport[]): RunReport {
  const [first] = parts;
  for (const part of parts.slice(1)) {
    for (const [what, of] of SAME) {
      if (of(part.report) !== of(first.report)) {
        throw new UsageError(`merge-reports: ${first.from} and ${part.from} differ in ${what} (${String(of(first.report))} vs ${String(of(part.report))}): only the shards of one run merge`);
      }
    }
  }
  const shards = [...parts].sort((a, b) => a.report.shard!.index - b.report.shard!.index);
  assertEveryShardOnce(shards);
  const shardName = (r: RunReport) => `shard ${r.shard!.index}/${r.shard!.total}`;
  const started = Math.min(...shards.map(({ report }) => Date.parse(report.startedAt)));
  const ended = Math.max(...shards.map(({ report }) => Date.parse(report.startedAt) + report.durationMs));
  const seeds = new Set(shards.map(({ report }) => report.seed));
  const interrupted = shards.filter(({ report }) => report.interrupted).map(({ report }) => `${shardName(report)} ${report.interrupted}`);
  const { shard: _shard, notes: _notes, ...metadata } = first.report;
  return {
    ...assembleReport(
      { ...metadata, runId: shards.map(({ report }) => report.runId).join('+'), seed: seeds.size === 1 ? first.report.seed : null },
      {
        startedAt: new Date(started).toISOString(),
        durationMs: ended - started,
        leftBehind: shards.flatMap(({ report }) => report.leftBehind.map((item) => `${shardName(report)}: ${item}`)),
        ...(interrupted.length ? { interrupted: interrupted.join('; ') } : {}),
        checks: uniqueIds(shards),
        waivers: mergeWaiverOutcomes(shards.map(({ report }) => report.waivers)),
      },
    ),
    mergedFrom: shards.map(({ report }) => ({ shard: report.shard!, runId: report.runId, seed: report.seed, startedAt: report.startedAt, durationMs: report.durationMs })),
  };
}

function assertEveryShardOnce(shards: ShardReport[]): void {
  const total = shards[0].report.shard!.total;
  for (let k = 1; k < shards.length; k += 1) {
    if (shards[k].report.shard!.index === shards[k - 1].report.shard!.index) {
      throw new UsageError(`merge-reports: shard ${shards[k].report.shard!.index}/${total} given twice (${shards[k - 1].from}, ${shards[k].from})`);
    }
  }
  const missing = Array.from({ length: total }, (_, k) => k + 1).filter((index) => !shards.some(({ report }) => report.shard!.index === index));
  if (missing.length) throw new UsageError(`merge-reports: missing the report of shard ${missing.map((i) => `${i}/${total}`).join(', ')}: a merged report would not hold every check`);
}

/**
 * The checks of every shard. A check the plan holds is in one shard only; a failure the run itself
 * reports (its Pact verification could not run, a suite file did not load) can come from several: each
 * keeps its shard in its id.
 */
function uniqueIds(shards: ShardReport[]): RunReport['checks'] {
  const counts = new Map<string, number>();
  for (const { report } of shards) for (const check of report.checks) counts.set(check.id, (counts.get(check.id) ?? 0) + 1);
  return shards.flatMap(({ report }) => report.checks.map((check) => (counts.get(check.id)! > 1 ? { ...check, id: `${check.id}@shard-${report.shard!.index}` } : check)));
}
