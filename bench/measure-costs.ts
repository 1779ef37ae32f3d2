// `npm run measure-costs`: measures what each check costs, for the balance of `run --shard`, and writes
// src/runner/check-costs.json (commit it). Against a reference stack started here, behind the bench's
// proxy holding every response back DELAY_MS, one request in flight (--concurrency 1, cases one at a
// time), so a check's duration is its requests in sequence times the delay:
//   - a generated case: its durationMs in report.json; a rule's cost is the median over its cases;
//   - a Pact interaction: `verify-pacts` alone, its wall time divided by its interactions (the states'
//     set-up and clean-up included, which the verifier's own per-interaction times leave out).
// Costs are in requests sent one after another, which is what a shard's duration grows with against a
// remote server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/cli';
import { startDelayProxy } from './lib/proxy';

const DELAY_MS = 50;
const OUT = path.join(ROOT, 'src', 'runner', 'check-costs.json');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startReferenceStack } = require(path.join(ROOT, 'dist', 'server')) as typeof import('../src/server');

interface Report {
  checks: Array<{ rule: string; status: string; durationMs?: number }>;
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; wallMs: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'gitlab-ci-conformance.js'), ...args], { env: { ...process.env, PACT_DO_NOT_TRACK: 'true' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, wallMs: Date.now() - started }));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const inRequests = (ms: number): number => Math.max(1, Math.round((ms / DELAY_MS) * 10) / 10);

async function main(): Promise<void> {
  const stack = await startReferenceStack({ registrationToken: 'measure-costs-registration-token' });
  const proxy = await startDelayProxy({ target: stack.url, delayMs: DELAY_MS });
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcc-costs-'));
  const target = ['--target', proxy.url, '--gitlab-url', stack.gitlabUrl, '--private-token', stack.users.maintainer, '--developer-token', stack.users.developer];
  const credentials = [...target, '--outsider-token', stack.users.outsider, '--registration-token', stack.registrationToken, '--concurrency', '1'];
  try {
    const suites = await cli(['run', ...credentials, '--skip', 'CONSUMER-CONTRACT', '--report-dir', reportDir]);
    const report = JSON.parse(fs.readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as Report;
    const pacts = await cli(['verify-pacts', ...credentials, '--json', '--report-dir', reportDir]);
    const interactions = (JSON.parse(pacts.stdout) as { interactions: unknown[]; durationMs: number });
    if (suites.code !== 0 || pacts.code !== 0) throw new Error(`the runs did not pass (exit ${suites.code}, ${pacts.code})`);
    const byRule = new Map<string, number[]>();
    for (const c of report.checks) if (c.status === 'passed' && c.durationMs !== undefined) byRule.set(c.rule, [...(byRule.get(c.rule) ?? []), c.durationMs]);
    const rules = Object.fromEntries([...byRule].sort(([a], [b]) => a.localeCompare(b)).map(([rule, ms]) => [rule, inRequests(median(ms))]));
    const costs = {
      measuredBy: `npm run measure-costs (bench/measure-costs.ts): requests in sequence per check, behind a ${DELAY_MS} ms proxy with --concurrency 1, on ${new Date().toISOString().slice(0, 10)}`,
      pactInteraction: inRequests(interactions.durationMs / interactions.interactions.length),
      otherRule: median(Object.values(rules)),
      rules,
    };
    fs.writeFileSync(OUT, `${JSON.stringify(costs, null, 2)}\n`);
    process.stdout.write(`wrote ${path.relative(ROOT, OUT)}: ${Object.keys(rules).length} rules, a Pact interaction ${costs.pactInteraction} requests (suites ${(suites.wallMs / 1000).toFixed(0)} s, pacts ${(pacts.wallMs / 1000).toFixed(0)} s)\n`);
  } finally {
    fs.rmSync(reportDir, { recursive: true, force: true });
    await proxy.close();
    await stack.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`measure-costs: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
