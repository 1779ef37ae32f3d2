// What every request handler of the reference server works with.
import type { CiStore } from './domain';
import type { Behaviour } from './http/behaviour';
import type { IdentityProvider } from './identity';

export interface ServerContext {
  store: CiStore;
  identity: IdentityProvider;
  /** The trusted GitLab instance, normalised (no trailing slash): user tokens must come with this url. */
  gitlabUrl: string;
  /** How the server answers where a profile departs from the documented contract (strict by default). */
  behaviour: Behaviour;
}
