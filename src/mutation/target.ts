// A server to run the suite against: the reference stack (with fault switches, id and token generators,
// pre-existing data) and optionally the fault proxy in front of it (rewrites, Connection: close).
import { startFaultProxy, type FaultProxy } from '../faults/proxy';
import type { Rewrite } from '../faults/rewrites';
import { startReferenceStack, type IdGenerator, type RunningReferenceStack, type TokenGenerator } from '../server';

export interface TargetSpec {
  faults?: string[];
  ids?: IdGenerator;
  tokens?: TokenGenerator;
  registrationToken?: string;
  /** Fills the server with data before the run (other users' projects, runners, commits). */
  seed?: (stack: RunningReferenceStack) => void | Promise<void>;
  proxy?: { rewrite?: Rewrite; connectionClose?: boolean };
}

export interface RunningTarget {
  /** What the suite is pointed at (the proxy when there is one). */
  url: string;
  stack: RunningReferenceStack;
  /** First lines of the server errors (5xx) the reference server logged during the run. */
  serverErrors: string[];
  close(): Promise<void>;
}

export async function startTarget(spec: TargetSpec): Promise<RunningTarget> {
  const serverErrors: string[] = [];
  const stack = await startReferenceStack({
    log: (line) => serverErrors.push(line.split('\n')[0]),
    faults: new Set(spec.faults ?? []),
    ids: spec.ids,
    tokens: spec.tokens,
    registrationToken: spec.registrationToken,
  });
  let proxy: FaultProxy | undefined;
  try {
    await spec.seed?.(stack);
    if (spec.proxy) proxy = await startFaultProxy({ target: stack.url, rewrite: spec.proxy.rewrite, connectionClose: spec.proxy.connectionClose });
  } catch (error) {
    await stack.close();
    throw error;
  }
  return {
    url: proxy?.url ?? stack.url,
    stack,
    serverErrors,
    close: async () => {
      await proxy?.close();
      await stack.close();
    },
  };
}
