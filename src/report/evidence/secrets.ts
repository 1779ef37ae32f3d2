// The environment variables a reproduction names instead of a secret's value (README, "Reproduce a
// failure"): the run's own credentials, and the passwords of URLs with user info.
import { urlPassword, type RunConfig } from '../../config/run-config';

export interface SecretVariable {
  value: string;
  variable: string;
}

/** The option of each credential, and the environment variable that also sets it (PRODUCT.md). */
export const CREDENTIAL_VARIABLES = {
  privateToken: 'GITLAB_CI_PRIVATE_TOKEN',
  developerToken: 'GITLAB_CI_DEVELOPER_TOKEN',
  outsiderToken: 'GITLAB_CI_OUTSIDER_TOKEN',
  registrationToken: 'GITLAB_CI_REGISTRATION_TOKEN',
} as const;

/** Tokens the server hands out during a check, assigned from its answer by the reproduction. */
export const HANDED_OUT_TOKEN_VARIABLES = { project: 'GITLAB_CI_PROJECT_TOKEN', runner: 'GITLAB_CI_RUNNER_TOKEN' } as const;

type Credentials = Pick<RunConfig, keyof typeof CREDENTIAL_VARIABLES> & { target?: string; gitlabUrl?: string };

export function secretVariables(config: Credentials): SecretVariable[] {
  const out: SecretVariable[] = [];
  for (const [option, variable] of Object.entries(CREDENTIAL_VARIABLES) as Array<[keyof typeof CREDENTIAL_VARIABLES, string]>) {
    const value = config[option];
    if (value) out.push({ value, variable });
  }
  for (const [url, variable] of [[config.target, 'GITLAB_CI_URL_PASSWORD'], [config.gitlabUrl, 'GITLAB_URL_PASSWORD']] as const) {
    const password = urlPassword(url);
    if (password) out.push({ value: password, variable });
  }
  return out;
}
