// Test support for reports: the report's JSON Schema (src/report/schema.ts), and the replay of a report's curl
// reproductions with the real curl binary, with the credentials in the environment.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Evidence } from '../../src/report/evidence';
import type { RunReport } from '../../src/report/write';
import type { RunningReferenceStack } from '../../src/server';
import { reportSchemaErrors as schemaErrors } from '../../src/report/schema';

/** The schema's complaints about a report.json (empty: valid). */
export { schemaErrors };

/** Whether the curl binary is there (the replay tests say so when it is not). */
export const CURL_AVAILABLE = spawnSync('curl', ['--version']).status === 0;

/** The environment variables a reproduction of a run against `stack` names. */
export function credentialsEnv(stack: RunningReferenceStack): NodeJS.ProcessEnv {
  return {
    GITLAB_CI_PRIVATE_TOKEN: stack.users.maintainer,
    GITLAB_CI_DEVELOPER_TOKEN: stack.users.developer,
    GITLAB_CI_OUTSIDER_TOKEN: stack.users.outsider,
    GITLAB_CI_REGISTRATION_TOKEN: stack.registrationToken,
  };
}

/** The statuses the run saw, in the order the reproduction sends the requests (undefined: no answer). */
export function statusesSeen(evidence: Evidence): Array<number | undefined> {
  return [...evidence.exchanges, evidence].map(({ response }) => ('status' in response ? response.status : undefined));
}

export interface Replay {
  statuses: number[];
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a reproduction (a command line or a sh script) with sh; the statuses are read from curl -i's status lines. */
export function replay(curl: string, env: NodeJS.ProcessEnv): Promise<Replay> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', curl], { env: { PATH: process.env.PATH, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      const statuses = [...stdout.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].map((m) => Number(m[1]));
      resolve({ statuses, code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Brings the stack back to the state a run starts from (no CI projects, no runners), through its API: a
 * multi-step reproduction expects that state (README, "Reproduce a failure").
 */
export async function resetStack(stack: RunningReferenceStack): Promise<void> {
  const api = `${stack.url}/api/v1`;
  const auth = `private_token=${encodeURIComponent(stack.users.maintainer)}&url=${encodeURIComponent(stack.gitlabUrl)}`;
  const runners = (await (await fetch(`${api}/runners?${auth}`)).json()) as Array<{ token: string }>;
  for (const { token } of runners) {
    await fetch(`${api}/runners/delete`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  }
  const projects = (await (await fetch(`${api}/projects?${auth}`)).json()) as Array<{ id: number }>;
  for (const { id } of projects) await fetch(`${api}/projects/${id}?${auth}`, { method: 'DELETE' });
}

/** A run's report.json, checked against spec/report.schema.json. */
export function readReport(reportDir: string): RunReport {
  const report = JSON.parse(fs.readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as RunReport;
  expect(schemaErrors(report)).toEqual([]);
  return report;
}

/** The schema's complaints about every report.json below a directory, and how many there were. */
export function reportsBelowSchemaErrors(dir: string): { reports: number; errors: string[] } {
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => path.basename(f) === 'report.json');
  const errors = files.flatMap((f) => schemaErrors(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))).map((e) => `${f}: ${e}`));
  return { reports: files.length, errors };
}
