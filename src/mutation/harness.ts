// The mutation harness: runs the conformance suite, as a user would (the built CLI, `run --target`),
// against every mutant and every conforming variant, a few at a time, and judges the outcome from
// report.json: a mutant is caught when a check of the rule it breaks failed; a variant passes when no
// check failed, nothing was left behind and the server's state is what it was before the run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { RunReport } from '../report/write';
import type { StoreSnapshot } from '../server';
import { selectionOf, type Mutant } from './mutants';
import { startTarget, type RunningTarget } from './target';
import type { Variant } from './variants';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'gitlab-ci-conformance.js');

export interface SuiteRun {
  exitCode: number | null;
  report?: RunReport;
  /** The last lines of stderr (the CLI's progress and summary; never a token). */
  stderrTail: string;
  seconds: number;
}

export interface FailedCheck {
  id: string;
  rule: string;
  reason?: string;
}

export interface MutantResult {
  name: string;
  breaks: string;
  only: string[];
  /** A check of the rule the mutant breaks failed. */
  caught: boolean;
  /** Rules with at least one failed check. */
  caughtBy: string[];
  failed: FailedCheck[];
  exitCode: number | null;
  seconds: number;
  /** Why the suite could not judge the mutant (exit 2, no report). */
  problem?: string;
}

export interface VariantResult {
  name: string;
  description: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Checks that failed against a conforming server. */
  falseAlarms: FailedCheck[];
  leftBehind: string[];
  /** Differences between the server's state before and after the run (empty: nothing lost, nothing left). */
  stateChanges: string[];
  /** 5xx errors the reference server logged (a conforming variant has none). */
  serverErrors: string[];
  /** What the server held before the run (so that "nothing lost" is not judged on an empty server by mistake). */
  heldBefore: { projects: number; runners: number; commits: number };
  exitCode: number | null;
  seconds: number;
  problem?: string;
}

export interface HarnessOptions {
  /** Where each run writes its reports (one folder per mutant or variant). */
  reportRoot: string;
  /** Runs at once (each is one CLI process on one core). */
  concurrency: number;
  /** Run the whole suite against each mutant instead of `--only` its rule (slow; shows collateral failures). */
  full?: boolean;
  /** Told when a run finishes. */
  onResult?: (line: string) => void;
}

/**
 * Runs at once by default: one more than the cores (measured on 2 cores: 12 mutants took 34 s two at a
 * time, 29 s three at a time, 37 s four at a time; a run is mostly CPU in the CLI, partly waiting on the
 * servers, which live in this process).
 */
export function defaultConcurrency(): number {
  return Math.max(2, Math.min(4, os.availableParallelism() + 1));
}

/** Runs `gitlab-ci-conformance run --target` against a running target; credentials travel in the environment. */
export function runSuite(target: RunningTarget, reportDir: string, only: string[] = [], timeoutMs = 300_000): Promise<SuiteRun> {
  const started = Date.now();
  fs.rmSync(reportDir, { recursive: true, force: true });
  fs.mkdirSync(reportDir, { recursive: true });
  const args = [CLI, 'run', '--target', target.url, '--gitlab-url', target.stack.gitlabUrl, '--report-dir', reportDir];
  if (only.length) args.push('--only', only.join(','));
  const env = {
    ...process.env,
    PACT_DO_NOT_TRACK: 'true',
    GITLAB_CI_PRIVATE_TOKEN: target.stack.users.maintainer,
    GITLAB_CI_DEVELOPER_TOKEN: target.stack.users.developer,
    GITLAB_CI_OUTSIDER_TOKEN: target.stack.users.outsider,
    GITLAB_CI_REGISTRATION_TOKEN: target.stack.registrationToken,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      const file = path.join(reportDir, 'report.json');
      const report = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RunReport) : undefined;
      resolve({ exitCode, report, stderrTail: stderr.split('\n').slice(-8).join('\n'), seconds: (Date.now() - started) / 1000 });
    });
  });
}

function failedChecks(report: RunReport | undefined): FailedCheck[] {
  return (report?.checks ?? []).filter((c) => c.status === 'failed').map((c) => ({ id: c.id, rule: c.rule, reason: c.reason }));
}

async function runMutant(mutant: Mutant, options: HarnessOptions): Promise<MutantResult> {
  const only = options.full ? [] : selectionOf(mutant);
  const target = await startTarget({ fault: mutant.fault });
  try {
    const run = await runSuite(target, path.join(options.reportRoot, 'mutants', mutant.name), only);
    const failed = failedChecks(run.report);
    const caughtBy = [...new Set(failed.map((f) => f.rule))].sort();
    const problem = run.exitCode === 2 || !run.report ? `the suite could not run (exit ${run.exitCode}): ${run.stderrTail}` : undefined;
    return {
      name: mutant.name,
      breaks: mutant.breaks,
      only,
      caught: !problem && caughtBy.includes(mutant.breaks),
      caughtBy,
      failed,
      exitCode: run.exitCode,
      seconds: run.seconds,
      problem,
    };
  } finally {
    await target.close();
  }
}

async function runVariant(variant: Variant, options: HarnessOptions): Promise<VariantResult> {
  const target = await startTarget(variant.target());
  try {
    const before = target.stack.store.snapshot();
    const run = await runSuite(target, path.join(options.reportRoot, 'variants', variant.name));
    const after = target.stack.store.snapshot();
    const summary = run.report?.summary ?? { passed: 0, failed: 0, skipped: 0 };
    return {
      name: variant.name,
      description: variant.description,
      ...summary,
      falseAlarms: failedChecks(run.report),
      leftBehind: run.report?.leftBehind ?? [],
      stateChanges: compareState(before, after),
      serverErrors: target.serverErrors,
      heldBefore: {
        projects: before.projects.length,
        runners: before.runners.length,
        commits: before.projects.reduce((n, p) => n + p.commits.length, 0),
      },
      exitCode: run.exitCode,
      seconds: run.seconds,
      problem: run.exitCode === 2 || !run.report ? `the suite could not run (exit ${run.exitCode}): ${run.stderrTail}` : undefined,
    };
  } finally {
    await target.close();
  }
}

/**
 * What a run changed in the server's state: a pre-existing project, runner, commit or build that is gone
 * or different, and anything that exists after the run and did not before (left behind).
 */
export function compareState(before: StoreSnapshot, after: StoreSnapshot): string[] {
  const changes: string[] = [];
  const compare = <T extends { id: number }>(what: string, a: T[], b: T[]) => {
    const later = new Map(b.map((x) => [x.id, x]));
    const earlier = new Set(a.map((x) => x.id));
    for (const x of a) {
      const y = later.get(x.id);
      if (!y) changes.push(`${what} ${x.id} existed before the run and is gone`);
      else if (!isDeepStrictEqual(x, y)) changes.push(`${what} ${x.id} was changed by the run: ${describeDifference(x, y)}`);
    }
    for (const y of b) if (!earlier.has(y.id)) changes.push(`${what} ${y.id} was created by the run and left behind`);
  };
  compare('project', before.projects, after.projects);
  compare('runner', before.runners, after.runners);
  if (!isDeepStrictEqual(before.pendingBuildIds, after.pendingBuildIds)) {
    changes.push(`the pending builds were ${JSON.stringify(before.pendingBuildIds)} and are ${JSON.stringify(after.pendingBuildIds)}`);
  }
  return changes;
}

function describeDifference(a: object, b: object): string {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => !isDeepStrictEqual(x[k], y[k]));
  return fields.map((k) => `${k} ${JSON.stringify(x[k])?.slice(0, 200)} -> ${JSON.stringify(y[k])?.slice(0, 200)}`).join('; ');
}

/** Runs fn over items, at most `concurrency` at once, keeping the order of items in the answer. */
export async function inPool<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}

export interface MutationReport {
  startedAt: string;
  seconds: number;
  concurrency: number;
  full: boolean;
  /** Mutants caught by the rule they break, over all mutants. */
  score: { caught: number; total: number; percent: number };
  mutants: MutantResult[];
  variants: VariantResult[];
  falseAlarms: number;
}

export async function runHarness(mutants: readonly Mutant[], variants: readonly Variant[], options: HarnessOptions): Promise<MutationReport> {
  const started = Date.now();
  type Job = { mutant: Mutant } | { variant: Variant };
  // Variants run the whole suite (the longest jobs): start them first so that mutants fill the gaps.
  const jobs: Job[] = [...variants.map((variant) => ({ variant })), ...mutants.map((mutant) => ({ mutant }))];
  const results = await inPool(jobs, options.concurrency, async (job) => {
    const result = 'mutant' in job ? await runMutant(job.mutant, options) : await runVariant(job.variant, options);
    options.onResult?.('breaks' in result ? mutantLine(result) : variantLine(result));
    return result;
  });
  const mutantResults = results.filter((r): r is MutantResult => 'breaks' in r);
  const variantResults = results.filter((r): r is VariantResult => !('breaks' in r));
  const caught = mutantResults.filter((m) => m.caught).length;
  return {
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    concurrency: options.concurrency,
    full: options.full ?? false,
    score: { caught, total: mutantResults.length, percent: mutantResults.length ? Math.round((1000 * caught) / mutantResults.length) / 10 : 100 },
    mutants: mutantResults,
    variants: variantResults,
    falseAlarms: variantResults.reduce((n, v) => n + v.falseAlarms.length, 0),
  };
}

export function variantClean(v: VariantResult): boolean {
  return !v.problem && v.falseAlarms.length === 0 && v.stateChanges.length === 0 && v.leftBehind.length === 0 && v.serverErrors.length === 0;
}

function mutantLine(m: MutantResult): string {
  return `${m.caught ? 'caught ' : 'MISSED '} ${m.name} (breaks ${m.breaks}) in ${m.seconds.toFixed(1)} s${m.problem ? `: ${m.problem}` : ''}`;
}

function variantLine(v: VariantResult): string {
  const ok = variantClean(v);
  return `${ok ? 'clean  ' : 'ALARM  '} variant ${v.name}: ${v.passed} passed, ${v.failed} failed in ${v.seconds.toFixed(1)} s${v.problem ? `: ${v.problem}` : ''}`;
}

// ---- presentation ----------------------------------------------------------------------------------

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function formatReport(report: MutationReport): string {
  const out: string[] = [];
  if (report.mutants.length) {
    out.push(
      table(
        ['mutant', 'breaks', 'caught', 'failed rules', 's'],
        report.mutants.map((m) => [m.name, m.breaks, m.problem ? 'ERROR' : m.caught ? 'yes' : 'NO', m.caughtBy.join(', ') || '-', m.seconds.toFixed(1)]),
      ),
      '',
      `Mutation score: ${report.score.caught}/${report.score.total} mutants caught by the rule they break (${report.score.percent}%)` +
        (report.full ? ' (whole suite per mutant)' : ' (each run with --only its rule)'),
    );
  }
  if (report.variants.length) {
    out.push(
      '',
      table(
        ['conforming variant', 'passed', 'failed', 'skipped', 'state kept', 's'],
        report.variants.map((v) => [
          v.name,
          String(v.passed),
          String(v.failed),
          String(v.skipped),
          v.stateChanges.length || v.leftBehind.length ? 'NO' : `yes (${v.heldBefore.projects} projects, ${v.heldBefore.runners} runners before)`,
          v.seconds.toFixed(1),
        ]),
      ),
      '',
      `False alarms: ${report.falseAlarms}`,
    );
    for (const v of report.variants) {
      for (const f of v.falseAlarms) out.push(`  ${v.name}: ${f.id}: ${f.reason ?? ''}`);
      for (const c of [...v.stateChanges, ...v.leftBehind, ...v.serverErrors]) out.push(`  ${v.name}: ${c}`);
      if (v.problem) out.push(`  ${v.name}: ${v.problem}`);
    }
  }
  out.push('', `${report.mutants.length} mutants and ${report.variants.length} variants in ${report.seconds.toFixed(1)} s, ${report.concurrency} at a time`);
  return out.join('\n');
}

export function writeReport(dir: string, report: MutationReport): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'mutation.json');
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'mutation.txt'), `${formatReport(report)}\n`);
  return file;
}
