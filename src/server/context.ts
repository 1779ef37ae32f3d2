// What every request handler of the reference server works with.
import type { CiStore } from './domain';
import type { FaultName } from './faults';
import type { IdentityProvider } from './identity';

export interface ServerContext {
  store: CiStore;
  identity: IdentityProvider;
  /** The trusted GitLab instance, normalised (no trailing slash): user tokens must come with this url. */
  gitlabUrl: string;
  /**
   * Named faults switched on for mutation testing of the conformance suite (catalog: ./faults.ts).
   * Empty in normal operation; handlers ask through hasFault().
   */
  faults: ReadonlySet<string>;
}

export function hasFault(ctx: Pick<ServerContext, 'faults'>, name: FaultName): boolean {
  return ctx.faults.size > 0 && ctx.faults.has(name);
}
