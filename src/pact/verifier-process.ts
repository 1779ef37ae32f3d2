// Runs Pact's verifier (the pact_ffi verifier of @pact-foundation/pact-core, the engine behind the
// Verifier of @pact-foundation/pact) in a child process. Two reasons: the verifier prints its report,
// with request and response bodies, straight to the process's stdout from native code (tokens would
// reach the console), and the Verifier of @pact-foundation/pact loads an ESM-only proxy dependency
// that Jest cannot load. The child's output is captured and only its JSON results come back.
import { spawn } from 'node:child_process';
import { NOT_SENT_STOPPING } from '../http/client';

export interface VerifierJob {
  pactFile: string;
  providerBaseUrl: string;
  providerStatesSetupUrl: string;
  timeoutMs: number;
  logLevel: 'warn' | 'error';
}

export interface VerifierMismatch {
  mismatch?: string;
  type?: string;
  path?: string;
}

export interface VerifierJson {
  result: boolean;
  errors?: Array<{ interaction: string; mismatch?: { type?: string; message?: string; mismatches?: VerifierMismatch[] } }>;
  interactionResults?: Array<{ description: string; result: string; duration?: string }>;
  output?: string[];
}

export interface VerifierOutcome {
  pactFile: string;
  json?: VerifierJson;
  /** Why the verifier could not run for this pact. */
  error?: string;
}

// Plain JS for `node -e`: no build step, works from dist/ and under Jest alike.
const CHILD = `
const core = require(process.env.PACT_CORE_MODULE).default;
const jobs = JSON.parse(process.env.PACT_VERIFY_JOBS);
(async () => {
  for (const job of jobs) {
    let text;
    try {
      text = await core.verifyPacts({
        providerBaseUrl: job.providerBaseUrl,
        pactUrls: [job.pactFile],
        providerStatesSetupUrl: job.providerStatesSetupUrl,
        logLevel: job.logLevel,
        timeout: job.timeoutMs,
      });
    } catch (e) {
      text = e && e.message ? e.message : String(e);
    }
    await new Promise((resolve) => process.send({ pactFile: job.pactFile, text: typeof text === 'string' ? text : JSON.stringify(text) }, resolve));
  }
})().finally(() => process.disconnect());
`;

/** `stop`: aborted when the run is stopping; the verifier is ended at once, its pacts not verified. */
export async function runVerifier(jobs: VerifierJob[], stop?: AbortSignal): Promise<{ outcomes: VerifierOutcome[]; output: string }> {
  const env: NodeJS.ProcessEnv = {};
  // Only what the verifier needs: no broker settings (they would add the broker's pacts to the local
  // ones) and no PACT_DESCRIPTION / PACT_PROVIDER_STATE filters from the caller's shell.
  for (const [name, value] of Object.entries(process.env)) if (!/^PACT_/.test(name)) env[name] = value;
  env.PACT_DO_NOT_TRACK = 'true';
  env.PACT_CORE_MODULE = require.resolve('@pact-foundation/pact-core');
  env.PACT_VERIFY_JOBS = JSON.stringify(jobs);
  const child = spawn(process.execPath, ['-e', CHILD], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], signal: stop });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const outcomes: VerifierOutcome[] = [];
  child.on('message', (m: { pactFile: string; text: string }) => {
    try {
      outcomes.push({ pactFile: m.pactFile, json: JSON.parse(m.text) as VerifierJson });
    } catch {
      outcomes.push({ pactFile: m.pactFile, error: m.text.split('\n')[0] });
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (error) => (stop?.aborted ? resolve(null) : reject(error)));
    child.once('exit', (c) => resolve(c));
  });
  for (const job of jobs) {
    if (!outcomes.some((o) => o.pactFile === job.pactFile)) {
      const why = stop?.aborted ? NOT_SENT_STOPPING : `the Pact verifier process ended (exit code ${code}) before it verified this pact`;
      outcomes.push({ pactFile: job.pactFile, error: why });
    }
  }
  return { outcomes, output };
}
