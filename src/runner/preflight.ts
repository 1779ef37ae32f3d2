// The pre-flight (`doctor`, and the start of every `run` and `verify-pacts`): is everything a run needs
// there, before it creates anything? One finding per prerequisite, each `ok` or a `problem` saying what
// to change. Only GET requests: nothing is created on the target (nor on GitLab).
//
// A set-up mistake reads as non-conformance when it is found by the checks (a target given with /api/v1
// makes 400 checks fail); found here, it is a "could not run" (exit 2) that names the option to fix.
// What cannot be told apart from a server fault from outside is named as both (src/report/causes.ts).
import { userAuth } from '../clients';
import { apiBase, type RunConfig } from '../config/run-config';
import { CannotRunError } from '../errors';
import { HttpClient, TransportError } from '../http/client';
import { probeConnection } from '../http/reachability';
import type { ApiResponse } from '../http/types';
import { discoverGitlabProjectIds } from '../state/gitlab-discovery';

/**
 * How long the first connection to the target may take. An unreachable target is a bootstrap failure
 * (exit 2) that a user should hear about within seconds, not after --timeout (10 s by default).
 */
const CONNECT_PROBE_MS = 5_000;

/** How many GitLab projects a run wants at most (it needs about as many as it has cases in flight). */
const GITLAB_IDS_WANTED = 100;

/** How many it needs at least: a case's project, the other project some cases use, and a fork. */
const GITLAB_IDS_NEEDED = 3;

export interface Finding {
  ok: boolean;
  text: string;
}

export interface PreflightResult {
  findings: Finding[];
  /** The GitLab projects the run may use (given, or found). */
  gitlabProjectIds: number[];
}

const ok = (text: string): Finding => ({ ok: true, text });
const problem = (text: string): Finding => ({ ok: false, text });

export function formatFinding(finding: Finding): string {
  return `${(finding.ok ? 'ok' : 'problem').padEnd(7)}  ${finding.text}`;
}

/** The pre-flight of `run` and `verify-pacts`: its findings as progress lines; a problem stops the command (exit 2). */
export async function requireReady(config: RunConfig, log: (line: string) => void, idsWanted = GITLAB_IDS_WANTED): Promise<number[]> {
  const { findings, gitlabProjectIds } = await preflight(config, idsWanted);
  for (const finding of findings) log(`  ${formatFinding(finding)}`);
  const problems = findings.filter((f) => !f.ok);
  if (problems.length) {
    throw new CannotRunError(`pre-flight: ${problems[0].text}${problems.length > 1 ? ` (and ${problems.length - 1} more problem(s) above)` : ''}; nothing was run`);
  }
  return gitlabProjectIds;
}

interface GitlabUser {
  id: number;
  username: string;
}

/** Who a token is on GitLab: the user, or why not (no answer, or GitLab's status). */
type Identity = { user: GitlabUser } | { refused: number } | { unanswered: string };

interface Clients {
  api: HttpClient;
  gitlab: HttpClient;
}

/**
 * GitLab ids worth finding for a run of `plannedChecks`: a check holds at most two at a time, and the suite
 * files share a few; finding and checking more (three requests each) would cost a small run for nothing.
 */
export function gitlabIdsWanted(plannedChecks: number): number {
  return Math.min(GITLAB_IDS_WANTED, 2 * plannedChecks + 10);
}

export async function preflight(config: RunConfig, idsWanted = GITLAB_IDS_WANTED): Promise<PreflightResult> {
  const options = { timeoutMs: config.timeoutMs, concurrency: config.concurrency, obeysStop: false };
  const clients = { api: new HttpClient({ baseUrl: apiBase(config.target), ...options }), gitlab: new HttpClient({ baseUrl: `${config.gitlabUrl}/api/v3`, ...options }) };
  const [target, maintainer] = await Promise.all([servesApi(config, clients.api), identify(clients.gitlab, config.privateToken)]);
  const findings = [target, ...gitlabFindings(config, maintainer)];
  if (!target.ok || !('user' in maintainer)) return { findings, gitlabProjectIds: [] };
  const accepted = await acceptsUser(config, clients.api);
  findings.push(accepted.finding);
  if (!accepted.finding.ok) return { findings, gitlabProjectIds: [] };
  const usable = await usableProjects(config, clients, maintainer.user, accepted.taken, idsWanted);
  findings.push(...usable.findings);
  if (!usable.ids.length) return { findings, gitlabProjectIds: [] };
  const others: Array<{ role: keyof typeof ACCESS_WANTED; option: string; token?: string }> = [
    { role: 'developer', option: '--developer-token', token: config.developerToken },
    { role: 'outsider', option: '--outsider-token', token: config.outsiderToken },
  ];
  const given = others.filter((other): other is typeof other & { token: string } => other.token !== undefined);
  // Both users are identified first; then what each may do is checked, side by side.
  const identities = await Promise.all(given.map(({ token }) => identify(clients.gitlab, token)));
  const seen = [{ option: '--private-token', user: maintainer.user }];
  const checked = given.map((other, k) => {
    const identity = identities[k];
    const earlier = [...seen];
    if ('user' in identity) seen.push({ option: other.option, user: identity.user });
    return otherUser(clients.gitlab, other, identity, earlier, usable.ids);
  });
  findings.push(...(await Promise.all(checked)));
  return { findings, gitlabProjectIds: usable.ids };
}

/** The target answers as the API does to a request without a token (401, or a listing), not as another app. */
async function servesApi(config: RunConfig, api: HttpClient): Promise<Finding> {
  const where = `${apiBase(config.target)}/projects`;
  let answer: ApiResponse;
  try {
    await probeConnection(config.target, Math.min(CONNECT_PROBE_MS, config.timeoutMs));
    answer = await api.send({ method: 'GET', path: '/projects' });
  } catch (error) {
    return problem(`target ${config.target} is unreachable: ${causeOf(error)}`);
  }
  const status = answer.status;
  if (status === 401 || status === 403 || (status < 300 && !answer.notJson)) return ok(`target ${config.target} serves the GitLab CI API v1 (GET /api/v1/projects without a token: ${status})`);
  if (status === 404) return problem(`target: nothing at ${where} (404): --target (GITLAB_CI_URL) must be the base URL of a GitLab CI server, its API at {target}/api/v1`);
  if (status >= 300 && status < 400) return problem(`target: ${where} redirects (${status} to ${answer.headers.location ?? '?'}): is --target (GITLAB_CI_URL) the CI server's base URL, with the right scheme?`);
  if (status >= 500) return problem(`target: ${where} answered ${status} to a request without a token: the server is failing`);
  return problem(`target: ${where} answered ${status}${answer.notJson ? ` with a body that is not JSON (${answer.headers['content-type'] ?? 'no Content-Type'})` : ''}: not the GitLab CI API v1; check --target (GITLAB_CI_URL)`);
}

async function identify(gitlab: HttpClient, token: string): Promise<Identity> {
  try {
    const answer = await gitlab.send({ method: 'GET', path: '/user', headers: { 'PRIVATE-TOKEN': token } });
    const user = answer.body as Partial<GitlabUser> | undefined;
    if (answer.status === 200 && typeof user?.id === 'number') return { user: { id: user.id, username: String(user.username ?? user.id) } };
    return { refused: answer.status };
  } catch (error) {
    return { unanswered: causeOf(error) };
  }
}

function gitlabFindings(config: RunConfig, maintainer: Identity): Finding[] {
  if ('unanswered' in maintainer) return [problem(`GitLab at ${config.gitlabUrl} is unreachable: ${maintainer.unanswered}; check --gitlab-url (GITLAB_URL)`)];
  if ('refused' in maintainer && maintainer.refused !== 401) {
    return [problem(`GitLab at ${config.gitlabUrl}: GET /api/v3/user answered ${maintainer.refused}, not a GitLab API v3; check --gitlab-url (GITLAB_URL)`)];
  }
  const reached = ok(`GitLab at ${config.gitlabUrl} answers its API v3`);
  if ('refused' in maintainer) return [reached, problem(`--private-token (GITLAB_CI_PRIVATE_TOKEN): GitLab at ${config.gitlabUrl} does not know this token (401)`)];
  return [reached, ok(`--private-token: user "${maintainer.user.username}" (id ${maintainer.user.id}) on GitLab`)];
}

/** The target takes the private token's user (with --gitlab-url as `url`): what it answers, and the GitLab ids its CI projects already use. */
async function acceptsUser(config: RunConfig, api: HttpClient): Promise<{ finding: Finding; taken: Set<number> }> {
  try {
    const answer = await api.send({ method: 'GET', path: '/projects', ...userAuth({ privateToken: config.privateToken, gitlabUrl: config.gitlabUrl }) });
    if (answer.status === 200 && Array.isArray(answer.body)) {
      const taken = new Set((answer.body as Array<{ gitlab_id?: unknown }>).map((p) => Number(p.gitlab_id)));
      return { finding: ok(`the target accepts that user with url=${config.gitlabUrl} (GET /api/v1/projects: 200)`), taken };
    }
    return {
      finding: problem(
        `the target answered ${answer.status} to GET /api/v1/projects with the private token and url=${config.gitlabUrl}, though GitLab knows the user: ` +
          'either the target trusts another GitLab than --gitlab-url (GITLAB_URL) or cannot reach it, or it does not authenticate user tokens as documented',
      ),
      taken: new Set(),
    };
  } catch (error) {
    return { finding: problem(`the target did not answer GET /api/v1/projects with the private token: ${causeOf(error)}`), taken: new Set() };
  }
}

/** The GitLab projects the run may attach CI projects to: managed by the user, without a CI project yet. */
async function usableProjects(config: RunConfig, clients: Clients, user: GitlabUser, taken: Set<number>, wanted: number): Promise<{ findings: Finding[]; ids: number[] }> {
  const findings: Finding[] = [];
  let ids: number[];
  if (config.gitlabProjectIds.length) {
    const manages = await Promise.all(config.gitlabProjectIds.map((id) => statusOf(clients.gitlab, `/projects/${id}/hooks`, config.privateToken)));
    const unmanaged = config.gitlabProjectIds.filter((_, k) => manages[k] !== 200);
    const used = config.gitlabProjectIds.filter((id, k) => manages[k] === 200 && taken.has(id));
    if (unmanaged.length) findings.push(problem(`--gitlab-project-ids: user "${user.username}" does not manage GitLab project(s) ${unmanaged.join(', ')} (master or owner access needed)`));
    if (used.length) findings.push(problem(`--gitlab-project-ids: GitLab project(s) ${used.join(', ')} already have a CI project on the target (the run touches only what it creates)`));
    ids = config.gitlabProjectIds.filter((id) => !unmanaged.includes(id) && !used.includes(id));
  } else {
    try {
      ids = await discoverGitlabProjectIds({ gitlab: clients.gitlab, ci: clients.api, privateToken: config.privateToken, gitlabUrl: config.gitlabUrl, wanted, seed: config.runId });
    } catch (error) {
      return { findings: [problem(`could not list the GitLab projects of user "${user.username}": ${causeOf(error)}`)], ids: [] };
    }
  }
  const given = config.gitlabProjectIds.length ? 'of --gitlab-project-ids ' : '';
  const counted = `${ids.length} GitLab project(s) ${given}usable (managed by "${user.username}", no CI project yet on the target); the run needs at least ${GITLAB_IDS_NEEDED}`;
  if (ids.length >= GITLAB_IDS_NEEDED) findings.push(ok(`${counted} and uses up to ${wanted}`));
  else findings.push(problem(`${counted}: give user "${user.username}" master access to more GitLab projects, or name them with --gitlab-project-ids (GITLAB_CI_GITLAB_PROJECT_IDS)`));
  return { findings, ids: ids.length >= GITLAB_IDS_NEEDED ? ids : [] };
}

const ACCESS_WANTED = {
  developer: { sees: true, access: 'sees but does not manage', purpose: 'for the 403 checks' },
  outsider: { sees: false, access: 'does not see', purpose: 'for the no-access checks' },
} as const;

/** A developer or outsider token: a GitLab user, not one of the users before it, with the access its checks need. */
async function otherUser(
  gitlab: HttpClient,
  other: { role: keyof typeof ACCESS_WANTED; option: string; token: string },
  identity: Identity,
  seen: Array<{ option: string; user: GitlabUser }>,
  ids: number[],
): Promise<Finding> {
  if (!('user' in identity)) {
    return problem(`${other.option}: ${'refused' in identity ? `GitLab does not know this token (${identity.refused})` : `GitLab did not answer: ${identity.unanswered}`}`);
  }
  const { user } = identity;
  const same = seen.find((s) => s.user.id === user.id);
  if (same) return problem(`${other.option} is the same GitLab user as ${same.option} ("${user.username}"): it must be another user`);
  const wanted = ACCESS_WANTED[other.role];
  const wrong: number[] = [];
  await Promise.all(
    ids.map(async (id) => {
      const sees = (await statusOf(gitlab, `/projects/${id}`, other.token)) === 200;
      const manages = sees && (await statusOf(gitlab, `/projects/${id}/hooks`, other.token)) === 200;
      if (sees !== wanted.sees || manages) wrong.push(id);
    }),
  );
  const who = `user "${user.username}" (id ${user.id})`;
  if (wrong.length) {
    const list = wrong.sort((a, b) => a - b).join(', ');
    return problem(`${other.option}: must be a user who ${wanted.access} the GitLab projects the run uses (${wanted.purpose}); ${who} is not, for ${list}`);
  }
  return ok(`${other.option}: ${who}, who ${wanted.access} the ${ids.length} GitLab projects the run uses`);
}

async function statusOf(gitlab: HttpClient, path: string, token: string): Promise<number | undefined> {
  try {
    return (await gitlab.send({ method: 'GET', path, headers: { 'PRIVATE-TOKEN': token } })).status;
  } catch {
    return undefined;
  }
}

function causeOf(error: unknown): string {
  return error instanceof TransportError ? error.reason : error instanceof Error ? error.message : String(error);
}
