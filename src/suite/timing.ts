// An optional timing log for the benchmark (bench/): when GITLAB_CI_CONFORMANCE_TIMING names a file, each
// suite file's session appends when it started, when each case ran, and every request it sent with
// what for (a check, setting up state, cleaning up). Off unless that variable is set; holds no request
// content (no token ever reaches it), only methods, paths without query, and times.
import fs from 'node:fs';
import type { ApiRequest, ApiResponse, Transport } from '../http/types';

const TIMING_VARIABLE = 'GITLAB_CI_CONFORMANCE_TIMING';

export type RequestPurpose = 'check' | 'setup' | 'cleanup';

type Event =
  | { e: 'session'; file: string; t: number }
  | { e: 'case'; file: string; id: string; t0: number; t1: number }
  | { e: 'request'; file: string; purpose: RequestPurpose; method: string; path: string; t0: number; t1: number; status?: number }
  | { e: 'closed'; file: string; t0: number; t1: number };

/** Wall-clock milliseconds since the epoch, with sub-millisecond precision. */
const now = (): number => performance.timeOrigin + performance.now();

export class TimingLog {
  private readonly events: Event[] = [];

  private constructor(
    private readonly out: string,
    private readonly file: string,
  ) {
    this.events.push({ e: 'session', file, t: now() });
  }

  /** The log of one suite file, or undefined when timing is off. */
  static fromEnvironment(file: string, env: NodeJS.ProcessEnv = process.env): TimingLog | undefined {
    const out = env[TIMING_VARIABLE];
    return out ? new TimingLog(out, file) : undefined;
  }

  /** A transport that notes every request sent through it for `purpose`. */
  transport(api: Transport, purpose: RequestPurpose): Transport {
    return {
      send: async (request: ApiRequest): Promise<ApiResponse> => {
        const t0 = now();
        let status: number | undefined;
        try {
          const response = await api.send(request);
          status = response.status;
          return response;
        } finally {
          this.events.push({ e: 'request', file: this.file, purpose, method: request.method, path: request.path, t0, t1: now(), status });
        }
      },
    };
  }

  async timeCase<T>(id: string, run: () => Promise<T>): Promise<T> {
    const t0 = now();
    try {
      return await run();
    } finally {
      this.events.push({ e: 'case', file: this.file, id, t0, t1: now() });
    }
  }

  /** Notes the file's clean-up and writes the file's events. */
  async timeClose(run: () => Promise<void>): Promise<void> {
    const t0 = now();
    try {
      await run();
    } finally {
      this.events.push({ e: 'closed', file: this.file, t0, t1: now() });
      fs.appendFileSync(this.out, this.events.map((event) => `${JSON.stringify(event)}\n`).join(''));
      this.events.length = 0;
    }
  }
}
