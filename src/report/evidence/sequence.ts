// Which exchanges a check's evidence shows: those the check sent itself (its set-up included), up to the
// deciding one, and the earlier exchanges they depend on that another check happened to send (shared
// state made once per suite file): the creation that handed out a token, id, name or GitLab project id a
// request uses, and for a token or id, the removal of its resource in between (a deleted runner's token).
// That is what a replay on a server in the run's starting state needs, in the order it was sent.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TransportError } from '../../http/client';
import type { ApiResponse } from '../../http/types';
import { recordedOf, type Recorded } from './recorded';
import { handedOut, referenceTo, removes, viewOf } from './values';

const byStart = (a: Recorded, b: Recorded) => a.startedAt - b.startedAt;

/** Records the exchanges of a suite file: each check's own (by async context), and every creation and removal. */
export class ExchangeLog {
  private readonly current = new AsyncLocalStorage<Recorded[]>();
  /** Creations and removals of everything this log saw: where a check's shared set-up came from. */
  private readonly lifecycle: Recorded[] = [];

  /** For the client's onExchange. */
  record(outcome: ApiResponse | TransportError): void {
    const recorded = recordedOf(outcome);
    if (!recorded) return;
    this.current.getStore()?.push(recorded);
    if (handedOut(recorded) || recorded.request.method === 'DELETE') this.lifecycle.push(recorded);
  }

  /** Runs `work`, recording into `into` every exchange sent on its behalf (also by helpers it awaits). */
  track<T>(into: Recorded[], work: () => Promise<T>): Promise<T> {
    return this.current.run(into, work);
  }

  sequence(own: Recorded[], deciding: Recorded): Recorded[] {
    return sequenceOf(own, deciding, this.lifecycle);
  }
}

/** The deciding exchange and what led to it, in the order sent (pure). */
export function sequenceOf(own: Recorded[], deciding: Recorded, lifecycle: Recorded[]): Recorded[] {
  const steps = new Set([...own.filter((r) => r.startedAt <= deciding.startedAt), deciding]);
  const candidates = [...new Set([...lifecycle, ...own])].sort(byStart);
  const todo = [...steps];
  for (let step = todo.pop(); step; step = todo.pop()) {
    for (const needed of dependenciesOf(step, candidates)) {
      if (steps.has(needed)) continue;
      steps.add(needed);
      todo.push(needed);
    }
  }
  return [...steps].sort(byStart);
}

function dependenciesOf(step: Recorded, candidates: Recorded[]): Recorded[] {
  const view = viewOf(step.request);
  const earlier = candidates.filter((c) => c.startedAt < step.startedAt);
  const needed: Recorded[] = [];
  for (const creation of earlier) {
    const value = handedOut(creation);
    const reference = value && referenceTo(view, value);
    if (!value || !reference) continue;
    // A token is the first resource's that handed it out (an answer may repeat it later).
    if (reference === 'token' && earlier.some((c) => c.startedAt < creation.startedAt && handedOut(c)?.token === value.token)) continue;
    const removals = earlier.filter((r) => r.startedAt > creation.startedAt && removes(r, value));
    // A name or GitLab project id is the client's choice, and comes back with a later resource: only
    // the one still there counts. A token or id is only ever one resource's, removed or not.
    if (reference === 'name' || reference === 'gitlab-id') {
      if (removals.length === 0) needed.push(creation);
    } else needed.push(creation, ...removals);
  }
  return needed;
}
