// The fault catalog and the fault proxy: each fault makes the reference server, seen through the proxy,
// break exactly one rule of spec/rules.yaml (the mutants of src/mutation/). The server itself has no
// fault switch: everything broken is done from the outside, by editing requests and answers, by the little
// memory of what went through (./sightings.ts), or by answering some requests without asking the server.
import { startProxy, type Forward, type RunningProxy } from '../http/proxy';
import { loadDescription } from '../spec/load';
import { matchOperation } from '../spec/response-validator';
import type { ApiDescription } from '../spec/types';
import { AUTH_FAULTS } from './auth';
import type { Fault, FaultContext, FaultEnvironment, FaultHandler } from './fault';
import { GENERATED_FAULTS } from './generated';
import { REPRESENTATION_FAULTS } from './representation';
import { Sightings } from './sightings';
import { STATUS_FAULTS } from './statuses';
import { apiPathOf } from './wire';

export type { Fault, FaultEnvironment } from './fault';

export const FAULTS: readonly Fault[] = [...AUTH_FAULTS, ...STATUS_FAULTS, ...REPRESENTATION_FAULTS, ...GENERATED_FAULTS];

/** The fault of that name; throws on a name the catalog does not have (a typo would silently test nothing). */
export function faultNamed(name: string): Fault {
  const fault = FAULTS.find((f) => f.name === name);
  if (!fault) throw new Error(`unknown fault ${JSON.stringify(name)} (see src/faults/)`);
  return fault;
}

let description: Promise<ApiDescription> | undefined;

/** Starts a proxy in front of `target` that answers with the fault. */
export async function startFaultProxy(fault: Fault, options: { target: string; env: FaultEnvironment }): Promise<RunningProxy> {
  const api = await (description ??= loadDescription());
  let handle: FaultHandler | undefined;
  return startProxy({
    target: options.target,
    exchange: (request, send) => {
      handle ??= fault.start(faultContext(options.env, api, send));
      return handle(request);
    },
  });
}

function faultContext(env: FaultEnvironment, api: ApiDescription, send: Forward): FaultContext {
  const seen = new Sightings(env.registrationToken);
  return {
    env,
    seen,
    forward: async (request) => {
      const response = await send(request);
      seen.learn(request, response);
      return response;
    },
    operation: (request) => matchOperation(api, request.method, apiPathOf(request)),
  };
}
