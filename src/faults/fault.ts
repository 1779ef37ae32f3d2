// What a fault is: a way for the fault proxy to answer, so that the server behind it, seen through the
// proxy, breaks exactly one rule of spec/rules.yaml. Faults live outside the reference server: a broken
// server built from the suite's own code would share its blind spots.
import type { UserRole } from '../fake-gitlab';
import type { ProxiedRequest, ProxiedResponse } from '../http/proxy';
import type { Operation } from '../spec/types';
import type { Sightings } from './sightings';

/** What the proxy is told about the server it stands in front of, as much as the suite is told. */
export interface FaultEnvironment {
  /** The trusted GitLab (the `url` of user-token requests). */
  gitlabUrl: string;
  /** The fixture users' private tokens: a fault may serve a request as one of them. */
  users: Record<UserRole, string>;
  registrationToken: string;
}

export interface FaultContext {
  env: FaultEnvironment;
  /** What the proxy saw so far. */
  seen: Sightings;
  /** Sends a request to the server (every exchange is learned from). */
  forward(request: ProxiedRequest): Promise<ProxiedResponse>;
  /** The documented operation a request is for. */
  operation(request: ProxiedRequest): Operation | undefined;
}

/** Answers one request of the client. */
export type FaultHandler = (request: ProxiedRequest) => Promise<ProxiedResponse>;

export interface Fault {
  /** Unique; also the mutant's name. */
  name: string;
  /** The rule ID (spec/rules.yaml) the fault breaks. */
  breaks: string;
  /** What the server, seen through the proxy, does wrong. */
  description: string;
  /** The proxy's handler; called once per proxy, so that a fault with memory starts afresh. */
  start(ctx: FaultContext): FaultHandler;
}

type Maybe<T> = T | undefined | void;

/** Requests are edited (undefined: kept) before they are forwarded. */
export function editRequest(edit: (request: ProxiedRequest, ctx: FaultContext) => Maybe<ProxiedRequest>): Fault['start'] {
  return (ctx) => (request) => ctx.forward(edit(request, ctx) ?? request);
}

/** The server's answers are edited (undefined: kept). */
export function editResponse(edit: (request: ProxiedRequest, response: ProxiedResponse, ctx: FaultContext) => Maybe<ProxiedResponse>): Fault['start'] {
  return (ctx) => async (request) => {
    const response = await ctx.forward(request);
    return edit(request, response, ctx) ?? response;
  };
}

/** Some requests are answered by the proxy without asking the server (undefined: forwarded). */
export function answerSome(answerFor: (request: ProxiedRequest, ctx: FaultContext) => Maybe<ProxiedResponse>): Fault['start'] {
  return (ctx) => (request) => {
    const own = answerFor(request, ctx);
    return own ? Promise.resolve(own) : ctx.forward(request);
  };
}

/** Whether the request is for an operation that takes the GitLab user token (x-auth method user). */
export function takesUserToken(request: ProxiedRequest, ctx: FaultContext): boolean {
  return ctx.operation(request)?.auth.some((a) => a.method === 'user') ?? false;
}
