// Runs the built CLI as a user would (node bin/gitlab-ci-conformance.js run ...) in a child process, with
// the bench's probe preloaded and the suites' timing log on, and collects what they saw.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { now } from './proxy';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface ProbeEntry {
  count: number;
  first?: number;
  last?: number;
  spans?: Array<[number, number]>;
}

export interface Probe {
  timeOrigin: number;
  exitAt: number;
  maxRssKb: number;
  userCpuUs: number;
  systemCpuUs: number;
  servers: Record<string, ProbeEntry>;
  clients: Record<string, ProbeEntry>;
}

export type TimingEvent =
  | { e: 'session'; file: string; t: number }
  | { e: 'case'; file: string; t0: number; t1: number }
  | { e: 'request'; file: string; purpose: 'check' | 'setup' | 'cleanup'; method: string; path: string; t0: number; t1: number; status?: number }
  | { e: 'closed'; file: string; t0: number; t1: number };

export interface CliRun {
  code: number | null;
  spawnedAt: number;
  closedAt: number;
  wallMs: number;
  stderr: string;
  probe?: Probe;
  timing: TimingEvent[];
  report?: { summary: { passed: number; failed: number; skipped: number }; checks: Array<{ id: string; status: string; reason?: string }>; durationMs: number };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gcc-bench-'));
  const probeFile = path.join(work, 'probe.json');
  const timingFile = path.join(work, 'timing.jsonl');
  const reportDir = path.join(work, 'reports');
  return new Promise((resolve, reject) => {
    const spawnedAt = now();
    const child = spawn(
      process.execPath,
      ['-r', path.join(ROOT, 'bench', 'probe.cjs'), path.join(ROOT, 'bin', 'gitlab-ci-conformance.js'), 'run', '--report-dir', reportDir, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, PACT_DO_NOT_TRACK: 'true', BENCH_PROBE_FILE: probeFile, GITLAB_CI_CONFORMANCE_TIMING: timingFile, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const closedAt = now();
      const read = <T>(file: string): T | undefined => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined);
      const timing = fs.existsSync(timingFile)
        ? fs.readFileSync(timingFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as TimingEvent)
        : [];
      const result: CliRun = {
        code,
        spawnedAt,
        closedAt,
        wallMs: closedAt - spawnedAt,
        stderr,
        probe: read<Probe>(probeFile),
        timing,
        report: read(path.join(reportDir, 'report.json')),
      };
      fs.rmSync(work, { recursive: true, force: true });
      resolve(result);
    });
  });
}
