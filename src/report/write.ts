// Where results are reported: junit.xml (for CI), report.json (PRODUCT.md's shape, spec/report.schema.json)
// and a self-contained report.html, all written at the end of a run (also a partial run after a signal).
import fs from 'node:fs';
import path from 'node:path';
import junit from 'junit-report-builder';
import type { RunConfig, Shard } from '../config/run-config';
import { readCatalog } from '../spec/files';
import type { RuleCatalog } from '../spec/types';
import { possibleCauses } from './causes';
import { exchangeText, sourceText } from './explain';
import { renderHtml } from './html';
import { runMetadata, type RunMetadata } from './metadata';
import type { Redactor } from './redact';
import type { CheckResult, CheckSource } from './results';
import { summarize, type Summary } from './summary';
import { applyWaivers, waiverLine, type WaiverOutcome } from './waivers';

export interface RunReport extends RunMetadata {
  startedAt: string;
  durationMs: number;
  summary: Summary;
  /** Resources the run created and could not remove: for a person to remove by hand. */
  leftBehind: string[];
  interrupted?: string;
  /** What a reader must know before the results: failures a set-up mistake causes too (./causes.ts). */
  notes?: string[];
  /** Of a report merge-reports made: the shards' runs it joins (./merge.ts). */
  mergedFrom?: Array<{ shard: Shard; runId: string; seed: number | null; startedAt: string; durationMs: number }>;
  /** In a stable order: by suite file, operation, rule, id. */
  checks: CheckResult[];
  /** What became of each waiver of --waivers (absent without a waivers file). */
  waivers?: WaiverOutcome[];
}

export interface RunOutcomeFields {
  startedAt: string;
  durationMs: number;
  leftBehind: string[];
  interrupted?: string;
  checks: CheckResult[];
  waivers?: WaiverOutcome[];
}

export function buildReport(config: RunConfig, fields: RunOutcomeFields, catalog: RuleCatalog = readCatalog()): RunReport {
  const sources = sourcesOf(catalog);
  // A waiver holds through its expiry date, as the run's start (UTC) sees it.
  const waived = config.waivers ? applyWaivers(fields.checks, config.waivers.entries, fields.startedAt.slice(0, 10)) : undefined;
  const checks = (waived?.checks ?? fields.checks).map((c) => ({ ...c, source: c.source ?? sources.get(c.rule) }));
  return assembleReport(runMetadata(config), { ...fields, checks, ...(waived ? { waivers: waived.waivers } : {}) });
}

/** A report from what produced it and what came out: checks in their stable order, the counts, the notes. */
export function assembleReport(metadata: RunMetadata, fields: RunOutcomeFields): RunReport {
  const checks = [...fields.checks].sort(byPlace);
  const { startedAt, durationMs, leftBehind, interrupted, waivers } = fields;
  const notes = possibleCauses(checks);
  return {
    ...metadata,
    startedAt,
    durationMs,
    summary: summarize(checks),
    leftBehind,
    ...(interrupted ? { interrupted } : {}),
    ...(notes.length ? { notes } : {}),
    checks,
    ...(waivers ? { waivers } : {}),
  };
}

/** The doc sentence of every rule, its page named as the catalog names it, and the decision where there is one. */
function sourcesOf(catalog: RuleCatalog): Map<string, CheckSource> {
  return new Map(
    catalog.rules.map((rule) => [
      rule.id,
      { ...rule.source, page: catalog.sources[rule.source.page] ?? rule.source.page, ...(rule.decision ? { decision: rule.decision.trim() } : {}) },
    ]),
  );
}

const byPlace = (a: CheckResult, b: CheckResult): number =>
  (a.suite ?? '').localeCompare(b.suite ?? '') || a.operation.localeCompare(b.operation) || a.rule.localeCompare(b.rule) || a.id.localeCompare(b.id);

export function writeReports(dir: string, report: RunReport, redactor: Redactor): string[] {
  const safe = redactor.value(report);
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    'report.json': `${JSON.stringify(safe, null, 2)}\n`,
    'junit.xml': renderJunit(safe),
    'report.html': renderHtml(safe),
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), redactor.text(text));
  return Object.keys(files).map((name) => path.join(dir, name));
}

/** What ties the report to what produced it, as JUnit <properties> of every suite. */
function properties(report: RunReport): Array<[string, string]> {
  return [
    ['tool', report.tool.name],
    ['tool.version', report.tool.version],
    ['description.sha256', report.description.sha256],
    ['description.rulesSha256', report.description.rulesSha256],
    ['runId', report.runId],
    ['seed', String(report.seed)],
    ['profile', report.profile],
    ['target', report.target],
    ...(report.shard ? [['shard', `${report.shard.index}/${report.shard.total}`] as [string, string]] : []),
    ...Object.entries(report.options).flatMap(([name, value]): Array<[string, string]> => (value === undefined ? [] : [[`options.${name}`, Array.isArray(value) ? value.join(',') : String(value)]])),
    // What became of each waiver: one that waived nothing is news for whoever keeps the waivers file.
    ...(report.waivers ?? []).map((w): [string, string] => [`waiver.${w.state}`, waiverLine(w)]),
  ];
}

function renderJunit(report: RunReport): string {
  const builder = junit.newBuilder();
  const suites = new Map<string, ReturnType<typeof builder.testSuite>>();
  for (const check of report.checks) {
    let suite = suites.get(check.operation);
    if (!suite) {
      suite = builder.testSuite().name(check.operation);
      for (const [name, value] of properties(report)) suite.property(name, value);
      suites.set(check.operation, suite);
    }
    const testCase = suite.testCase().className(check.rule).name(`[${check.rule}] ${check.title}`);
    if (check.durationMs !== undefined) testCase.time(check.durationMs / 1000);
    if (check.status === 'failed') {
      testCase.failure(check.reason ?? 'failed', check.rule).stacktrace(failureText(check));
      if (check.evidence) testCase.standardOutput(JSON.stringify(check.evidence, null, 2));
    } else if (check.status === 'skipped' || check.status === 'waived') {
      // A waived failure is skipped for CI, its reason (the waiver's, then the failure) with it.
      testCase.skipped();
      testCase.standardOutput([`${check.status}: ${check.reason ?? ''}`, ...sourceText(check)].join('\n'));
      if (check.evidence) testCase.standardError(JSON.stringify(check.evidence, null, 2));
    }
  }
  return builder.build();
}

/** The <failure> text: why, the doc sentence, a replay, and the deciding exchange. */
function failureText(check: CheckResult): string {
  const evidence = check.evidence;
  return [
    check.reason ?? 'failed',
    '',
    ...sourceText(check),
    ...(evidence?.curl ? ['', 'Reproduce (README, "Reproduce a failure"):', evidence.curl] : []),
    ...(evidence ? ['', `Deciding exchange${evidence.exchanges.length ? ` (after ${evidence.exchanges.length} earlier ones, in system-out)` : ''}:`, exchangeText(evidence)] : []),
  ].join('\n');
}
