// How long a full certification takes against each of the project's broken servers: the reference stack
// behind every fault proxy of src/faults/ (the mutants of src/mutation/mutants.ts), the whole suite each
// time (no --only), compared with a normal run through a proxy that changes nothing. The bound (issue
// 16): no broken server makes a run take more than 2x a normal one.
//
//   npm run bench:broken-servers [-- NAME,...]   (builds, then ts-node bench/broken-servers.ts)
//
// BENCH_PARALLEL (default 2) runs at once; BENCH_CAP_S (default 180) ends a run that takes longer (its
// time is then reported as at least the cap); BENCH_LABEL also writes bench/results/broken-servers-<label>.json.
// The normal run is measured BENCH_NORMAL_RUNS (default 3) times among the others, under the same load;
// ratios are to their median.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inPool, runSuite } from '../src/mutation/harness';
import { ROOT } from './lib/cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startTarget } = require(path.join(ROOT, 'dist', 'mutation', 'target')) as typeof import('../src/mutation/target');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MUTANTS } = require(path.join(ROOT, 'dist', 'mutation', 'mutants')) as typeof import('../src/mutation/mutants');

const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 2);
const CAP_MS = Number(process.env.BENCH_CAP_S ?? 180) * 1000;
const NORMAL_RUNS = Number(process.env.BENCH_NORMAL_RUNS ?? 3);
const NORMAL = 'normal (conforming proxy)';

interface Timed {
  server: string;
  seconds: number;
  capped: boolean;
  exitCode: number | null;
  checks?: { passed: number; failed: number; skipped: number };
  leftBehind?: number;
}

type Spec = Parameters<typeof startTarget>[0];

/** One full run of the built CLI against a fresh target; its wall time from spawn to exit. */
async function timeRun(server: string, spec: Spec): Promise<Timed> {
  const target = await startTarget(spec);
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcc-broken-'));
  try {
    const run = await runSuite(target, reportDir, [], CAP_MS);
    // Killed at the cap: no exit code.
    const capped = run.exitCode === null;
    return { server, seconds: run.seconds, capped, exitCode: run.exitCode, checks: run.report?.summary, leftBehind: run.report?.leftBehind.length };
  } finally {
    await target.close();
    fs.rmSync(reportDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const wanted = process.argv[2]?.split(',');
  const mutants = MUTANTS.filter((m) => !wanted || wanted.includes(m.name));
  // The normal runs spread among the others, so that they meet the same load.
  const jobs: Array<{ server: string; spec: Spec }> = mutants.map((m) => ({ server: m.name, spec: { fault: m.fault } }));
  for (let k = 0; k < NORMAL_RUNS; k += 1) jobs.splice(Math.round((k * jobs.length) / NORMAL_RUNS), 0, { server: NORMAL, spec: { proxy: {} } });
  const started = Date.now();
  const timed = await inPool(jobs, PARALLEL, async ({ server, spec }) => {
    const run = await timeRun(server, spec);
    process.stderr.write(`${server}: ${run.seconds.toFixed(1)} s${run.capped ? ' (capped)' : ''}, exit ${run.exitCode}\n`);
    return run;
  });
  const normals = timed.filter((t) => t.server === NORMAL).map((t) => t.seconds).sort((a, b) => a - b);
  const normal = normals[Math.floor(normals.length / 2)];
  const broken = timed.filter((t) => t.server !== NORMAL).map((t) => ({ ...t, ratio: Math.round((t.seconds / normal) * 100) / 100 }));
  broken.sort((a, b) => b.seconds - a.seconds);
  const result = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    parallel: PARALLEL,
    capSeconds: CAP_MS / 1000,
    normalSeconds: { median: normal, runs: normals },
    overBound: broken.filter((b) => b.ratio > 2).map((b) => b.server),
    totalSeconds: (Date.now() - started) / 1000,
    servers: broken,
  };
  process.stdout.write(`normal run: ${normal.toFixed(1)} s (median of ${normals.map((n) => n.toFixed(1)).join(', ')})\n`);
  for (const b of broken) process.stdout.write(`${b.ratio > 2 ? '>2x ' : '    '}${b.server.padEnd(40)} ${b.seconds.toFixed(1).padStart(6)} s  x${b.ratio.toFixed(2)}${b.capped ? ' (capped)' : ''}\n`);
  const dir = path.join(ROOT, 'bench', 'results');
  const label = process.env.BENCH_LABEL;
  fs.writeFileSync(path.join(dir, `broken-servers${label ? `-${label}` : ''}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
