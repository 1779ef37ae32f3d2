// The target of `run` and `verify-pacts`, in one place: the configured server, or the embedded
// reference server and fake GitLab started for the command (no --target) and stopped after it; and the
// check that the target can be reached at all (exit 2 within seconds when it cannot).
import { userAuth } from '../clients';
import { CannotRunError } from '../errors';
import { apiBase, type RunConfig } from '../config/run-config';
import { HttpClient, TransportError } from '../http/client';
import { probeConnection } from '../http/reachability';
import { consoleRedactor } from '../report/redact';

/**
 * How long the first connection to the target may take. An unreachable target is a bootstrap failure
 * (exit 2) that a user should hear about within seconds, not after --timeout (10 s by default).
 */
const CONNECT_PROBE_MS = 5_000;

type PartialConfig = Omit<RunConfig, 'target' | 'gitlabUrl' | 'privateToken'> & Partial<RunConfig>;

/** Runs `use` against the configured target, or against an embedded reference stack when there is none. */
export async function withTarget<T>(
  resolved: { config: PartialConfig; embedded: boolean },
  purpose: string,
  log: (line: string) => void,
  use: (config: RunConfig) => Promise<T>,
): Promise<T> {
  if (!resolved.embedded) return use(resolved.config as RunConfig);
  const { startReferenceStack } = await import('../server');
  const stack = await startReferenceStack({ port: 0, gitlabPort: 0, registrationToken: resolved.config.registrationToken });
  for (const token of [stack.registrationToken, ...Object.values(stack.users)]) consoleRedactor.add(token);
  log(`No --target: ${purpose} the embedded reference server at ${stack.url} (fake GitLab at ${stack.gitlabUrl})`);
  try {
    return await use({
      ...resolved.config,
      target: stack.url,
      gitlabUrl: stack.gitlabUrl,
      privateToken: stack.users.maintainer,
      developerToken: stack.users.developer,
      outsiderToken: stack.users.outsider,
      registrationToken: stack.registrationToken,
    });
  } finally {
    await stack.close();
  }
}

/** Throws CannotRunError (exit 2) when the target does not answer HTTP at all. */
export async function assertReachable(config: RunConfig, api = new HttpClient({ baseUrl: apiBase(config.target), timeoutMs: config.timeoutMs, concurrency: 1, obeysStop: false })): Promise<void> {
  try {
    await probeConnection(config.target, Math.min(CONNECT_PROBE_MS, config.timeoutMs));
    await api.send({ method: 'GET', path: '/projects', ...userAuth({ privateToken: config.privateToken, gitlabUrl: config.gitlabUrl }) });
  } catch (error) {
    const cause = error instanceof TransportError ? error.reason : String(error);
    throw new CannotRunError(`target ${config.target} is unreachable: ${cause}`);
  }
}
