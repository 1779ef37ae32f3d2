// The embedded reference GitLab CI v1 server (in memory) and the stack it runs in with the fake GitLab.
import { startFakeGitlab } from '../fake-gitlab';
import type { UserRole } from '../fake-gitlab';
import type { CiStore, IdGenerator, TokenGenerator } from './domain';
import { createReferenceServer } from './http/server';

export type { IdGenerator, TokenGenerator, StoreSnapshot } from './domain';

export interface StartReferenceStackOptions {
  port?: number;
  gitlabPort?: number;
  registrationToken?: string;
  ids?: IdGenerator;
  tokens?: TokenGenerator;
  /** Where unexpected server errors are reported; default stderr. */
  log?: (line: string) => void;
  /** Answer as this profile of spec/rules.yaml says the original server did, e.g. gitlab-ci-8.0 (default: strict). */
  behave?: string;
}

export interface RunningReferenceStack {
  /** Base URL of the reference server; the API is at {url}/api/v1. */
  url: string;
  gitlabUrl: string;
  registrationToken: string;
  users: Record<UserRole, string>;
  /** The in-memory domain (tests compare its state before and after a run). */
  store: CiStore;
  close(): Promise<void>;
}

/** Starts the fake GitLab and a reference server trusting it, both on 127.0.0.1. */
export async function startReferenceStack(options: StartReferenceStackOptions = {}): Promise<RunningReferenceStack> {
  const gitlab = await startFakeGitlab({ port: options.gitlabPort ?? 0, host: '127.0.0.1' });
  try {
    const { registrationToken, ids, tokens, log, behave } = options;
    const server = createReferenceServer({ gitlabUrl: gitlab.url, registrationToken, ids, tokens, log, behave });
    const url = await server.listen(options.port ?? 0, '127.0.0.1');
    return {
      url,
      gitlabUrl: gitlab.url,
      registrationToken: server.registrationToken,
      users: gitlab.users,
      store: server.context.store,
      close: async () => {
        await server.close();
        await gitlab.close();
      },
    };
  } catch (error) {
    await gitlab.close();
    throw error;
  }
}
