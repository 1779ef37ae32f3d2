// A server to run the suite against: the reference stack (with id and token generators, pre-existing data)
// and optionally a proxy in front of it: a fault proxy (a mutant) or conforming rewrites (a variant).
import { startFaultProxy, type Fault } from '../faults';
import type { Rewrite } from '../faults/conforming';
import { startProxy, type RunningProxy } from '../http/proxy';
import { startReferenceStack, type IdGenerator, type RunningReferenceStack, type TokenGenerator } from '../server';

export interface TargetSpec {
  ids?: IdGenerator;
  tokens?: TokenGenerator;
  registrationToken?: string;
  /** Fills the server with data before the run (other users' projects, runners, commits). */
  seed?: (stack: RunningReferenceStack) => void | Promise<void>;
  proxy?: { rewrite?: Rewrite; connectionClose?: boolean };
  /** Puts the fault proxy in front of the server (a mutant). */
  fault?: Fault;
}

export interface RunningTarget {
  /** What the suite is pointed at (the proxy when there is one). */
  url: string;
  stack: RunningReferenceStack;
  /** First lines of the server errors (5xx) the reference server logged during the run. */
  serverErrors: string[];
  close(): Promise<void>;
}

function startProxyOf(spec: TargetSpec, stack: RunningReferenceStack): Promise<RunningProxy> | undefined {
  if (spec.fault) return startFaultProxy(spec.fault, { target: stack.url, env: stack });
  if (spec.proxy) return startProxy({ target: stack.url, rewrite: spec.proxy.rewrite, connectionClose: spec.proxy.connectionClose });
  return undefined;
}

export async function startTarget(spec: TargetSpec): Promise<RunningTarget> {
  const serverErrors: string[] = [];
  const stack = await startReferenceStack({
    log: (line) => serverErrors.push(line.split('\n')[0]),
    ids: spec.ids,
    tokens: spec.tokens,
    registrationToken: spec.registrationToken,
  });
  let proxy: RunningProxy | undefined;
  try {
    await spec.seed?.(stack);
    proxy = await startProxyOf(spec, stack);
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
