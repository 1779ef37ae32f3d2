// The target of `run`, `verify-pacts` and `doctor`, in one place: the configured server, or the embedded
// reference server and fake GitLab started for the command (no --target) and stopped after it.
import type { RunConfig } from '../config/run-config';
import { consoleRedactor } from '../report/redact';

type PartialConfig = Omit<RunConfig, 'target' | 'gitlabUrl' | 'privateToken'> & Partial<RunConfig>;

/** Runs `use` against the configured target, or against an embedded reference stack when there is none. */
export async function withTarget<T>(resolved: { config: PartialConfig; embedded: boolean }, use: (config: RunConfig, embedded: boolean) => Promise<T>): Promise<T> {
  if (!resolved.embedded) return use(resolved.config as RunConfig, false);
  const { startReferenceStack } = await import('../server');
  const stack = await startReferenceStack({ port: 0, gitlabPort: 0, registrationToken: resolved.config.registrationToken });
  for (const token of [stack.registrationToken, ...Object.values(stack.users)]) consoleRedactor.add(token);
  try {
    return await use(
      {
        ...resolved.config,
        target: stack.url,
        gitlabUrl: stack.gitlabUrl,
        privateToken: stack.users.maintainer,
        developerToken: stack.users.developer,
        outsiderToken: stack.users.outsider,
        registrationToken: stack.registrationToken,
      },
      true,
    );
  } finally {
    await stack.close();
  }
}

/** How a command names its target in its first line. */
export function targetName(config: Pick<RunConfig, 'target' | 'gitlabUrl'>, embedded: boolean): string {
  return embedded ? `the embedded reference server at ${config.target} (fake GitLab at ${config.gitlabUrl})` : config.target;
}
