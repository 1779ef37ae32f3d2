// The embedded reference GitLab CI v1 server (in memory) and the stack it runs in with the fake GitLab.
import { startFakeGitlab } from '../fake-gitlab';
import type { UserRole } from '../fake-gitlab';
import { createReferenceServer } from './http/server';

export { createReferenceServer, type ReferenceServer, type ReferenceServerOptions } from './http/server';
export type { ServerContext } from './context';
export { hasFault } from './context';

export interface StartReferenceServerOptions {
  port?: number;
  host?: string;
  /** The GitLab the server trusts (e.g. the fake GitLab's url). */
  gitlabUrl: string;
  registrationToken?: string;
  faults?: ReadonlySet<string>;
}

export interface RunningReferenceServer {
  /** Base URL; the API is at {url}/api/v1. */
  url: string;
  registrationToken: string;
  close(): Promise<void>;
}

export async function startReferenceServer(options: StartReferenceServerOptions): Promise<RunningReferenceServer> {
  const server = createReferenceServer({
    gitlabUrl: options.gitlabUrl,
    registrationToken: options.registrationToken,
    faults: options.faults,
  });
  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return { url, registrationToken: server.registrationToken, close: () => server.close() };
}

export interface StartReferenceStackOptions {
  port?: number;
  gitlabPort?: number;
  registrationToken?: string;
  faults?: ReadonlySet<string>;
}

export interface RunningReferenceStack {
  url: string;
  gitlabUrl: string;
  registrationToken: string;
  users: Record<UserRole, string>;
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
      faults: options.faults,
    });
    return {
      url: server.url,
      gitlabUrl: gitlab.url,
      registrationToken: server.registrationToken,
      users: gitlab.users,
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
