// What every request handler of the reference server works with.
import type { CiStore } from './domain';
import type { IdentityProvider } from './identity';

export interface ServerContext {
  store: CiStore;
  identity: IdentityProvider;
  /** The trusted GitLab instance, normalised (no trailing slash): user tokens must come with this url. */
  gitlabUrl: string;
}
