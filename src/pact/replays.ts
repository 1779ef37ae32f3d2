// The evidence of the Pact verification: the request the verifier replayed for each interaction (as
// the recorder proxy received it: header names as Node's parser gives them) and the provider's answer
// (as received from the target), and the provider-state requests it depends on (sent through the API
// client: a creation whose token or id the replayed request uses), redacted, with a curl replay.
import { STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { ProxiedRequest, ProxiedResponse } from '../http/proxy';
import type { TransportError } from '../http/client';
import type { ApiRequest, ApiResponse } from '../http/types';
import { curlReproduction, evidenceOf, ExchangeLog, type Evidence, type Recorded, type SecretVariable } from '../report/evidence';
import { type Redactor, tokensIn } from '../report/redact';

const now = (): number => performance.timeOrigin + performance.now();

export class ReplayRecorder {
  /** The provider states' creations and removals, through the API client. */
  private readonly log = new ExchangeLog();
  /** The replayed requests of the verifier's current round, in the order it sent them (one per interaction). */
  replays: Recorded[] = [];
  private readonly started = new WeakMap<ProxiedRequest, number>();
  private readonly serverTokens = new Set<string>();

  constructor(
    /** Where the recorder forwards to: the target's base URL. */
    private readonly target: string,
    private readonly secrets: SecretVariable[],
  ) {}

  /** For the API client's onExchange. */
  readonly onExchange = (_request: ApiRequest, outcome: ApiResponse | TransportError): void => {
    if ('wire' in outcome) this.noteTokens(outcome.body);
    this.log.record(outcome);
  };

  /** A new run of the verifier: its replays are counted from the first again. */
  newRound(): void {
    this.replays = [];
  }

  /** For the recorder proxy: a replayed request arrived. */
  received(request: ProxiedRequest): void {
    this.started.set(request, now());
  }

  /** For the recorder proxy: the target answered a replayed request. */
  answered(request: ProxiedRequest, response: ProxiedResponse): void {
    const startedAt = this.started.get(request) ?? now();
    const base = this.target.replace(/\/+$/, '');
    const status = response.status;
    this.replays.push({
      request: { method: request.method, url: `${base}${request.url}`, target: request.url, headers: pairsOf(request.headers), body: request.body.length ? request.body : undefined },
      response: { httpVersion: '1.1', status, statusText: STATUS_CODES[status] ?? '', headers: pairsOf(response.headers), body: response.body },
      startedAt,
      durationMs: now() - startedAt,
    });
    try {
      this.noteTokens(JSON.parse(response.body.toString('utf8')));
    } catch {
      // Not JSON: no token to note.
    }
  }

  /** The evidence of the k-th replay. */
  evidence(k: number, redactor: Redactor): Evidence | undefined {
    const replay = this.replays[k];
    if (!replay) return undefined;
    const steps = this.log.sequence([], replay);
    const curl = curlReproduction(steps, { secrets: this.secrets, serverTokens: this.serverTokens });
    return evidenceOf(steps, redactor, redactor.text(curl));
  }

  private noteTokens(body: unknown): void {
    for (const token of tokensIn(body)) this.serverTokens.add(token);
  }
}

function pairsOf(headers: IncomingHttpHeaders | Record<string, string | string[]>): Array<[string, string]> {
  return Object.entries(headers).flatMap(([name, value]): Array<[string, string]> =>
    value === undefined ? [] : Array.isArray(value) ? value.map((v): [string, string] => [name, v]) : [[name, value]],
  );
}
