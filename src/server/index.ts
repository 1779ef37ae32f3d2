// The embedded reference GitLab CI v1 server (in memory) and the stack it runs in with the fake GitLab.
import { startFakeGitlab } from '../fake-gitlab';
import type { UserRole } from '../fake-gitlab';
import type { CiStore, IdGenerator, TokenGenerator } from './domain';
import { createReferenceServer, type ReferenceServerOptions } from './http/server';

export { createReferenceServer, type ReferenceServer, type ReferenceServerOptions } from './http/server';
export type { ServerContext } from './context';
export type { IdGenerator, TokenGenerator, StoreSnapshot } from './domain';

export type StartReferenceServerOptions = Omit<ReferenceServerOptions, 'identity'> & { port?: number; host?: string };

export interface RunningReferenceServer {
  /** Base URL; the API is at {url}/api/v1. */
  url: string;
  registrationToken: string;
  /** The in-memory domain (tests seed it and compare its state before and after a run). */
  store: CiStore;
  close(): Promise<void>;
}

export async function startReferenceServer(options: StartReferenceServerOptions): Promise<RunningReferenceServer> {
  const server = createReferenceServer({
    gitlabUrl: options.gitlabUrl,
    registrationToken: options.registrationToken,
    ids: options.ids,
    tokens: options.tokens,
    log: options.log,
  });
  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return { url, registrationToken: server.registrationToken, store: server.context.store, close: () => server.close() };
}

export interface StartReferenceStackOptions {
  port?: number;
  gitlabPort?: number;
  registrationToken?: string;
  ids?: IdGenerator;
  tokens?: TokenGenerator;
  log?: (line: string) => void;
}

export interface RunningReferenceStack {
  url: string;
  gitlabUrl: string;
  registrationToken: string;
  users: Record<UserRole, string>;
  store: CiStore;
  close(): Promise<void>;
}

/** Starts the fake GitLab and a reference server trusting it, both on 127.0.0.1. */
export async function startReferenceStack(options: StartReferenceStackOptions = {}): Promise<RunningReferenceStack> {
  const gitlab = await startFakeGitlab({ port: options.gitlabPort ?? 0, host: '127.0.0.1' });
  try {
    const server = await startReferenceServer({
      port: options.port ?? 0,
      host: '127.0.0.1',
      gitlabUrl: gitlab.url,
      registrationToken: options.registrationToken,
      ids: options.ids,
      tokens: options.tokens,
      log: options.log,
    });
    return {
      url: server.url,
      gitlabUrl: gitlab.url,
      registrationToken: server.registrationToken,
      users: gitlab.users,
      store: server.store,
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
