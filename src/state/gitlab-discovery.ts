// Finds the GitLab projects a run may attach CI projects to: projects the user manages (GitLab answers
// their hooks, which needs master or owner access) that have no CI project yet on the target.
import { userAuth } from '../clients';
import type { Transport } from '../http/types';

export interface DiscoveryInput {
  gitlab: Transport;
  ci: Transport;
  privateToken: string;
  gitlabUrl: string;
  /** How many ids are worth finding; more are not looked up. */
  wanted: number;
  /** Shuffles the candidates so that two runs at once rarely reach for the same ids. */
  seed: string;
}

export async function discoverGitlabProjectIds(input: DiscoveryInput): Promise<number[]> {
  const auth = { 'PRIVATE-TOKEN': input.privateToken };
  const visible: number[] = [];
  for (let page = 1; page <= 50; page += 1) {
    const answer = await input.gitlab.send({ method: 'GET', path: '/projects', query: { page, per_page: 100 }, headers: auth });
    if (answer.status !== 200 || !Array.isArray(answer.body)) {
      throw new Error(`GitLab at ${input.gitlabUrl} answered ${answer.status} to GET /api/v3/projects with the private token`);
    }
    visible.push(...answer.body.map((p: { id: number }) => p.id));
    if (answer.body.length < 100) break;
  }
  const taken = await ciProjectGitlabIds(input);
  const candidates = shuffle(visible.filter((id) => !taken.has(id)), input.seed);
  const managed: number[] = [];
  // As many candidates at once as ids are still wanted (the client bounds the requests in flight).
  for (let i = 0; i < candidates.length && managed.length < input.wanted; ) {
    const batch = candidates.slice(i, i + input.wanted - managed.length);
    i += batch.length;
    const answers = await Promise.all(batch.map((id) => input.gitlab.send({ method: 'GET', path: `/projects/${id}/hooks`, headers: auth })));
    batch.forEach((id, k) => answers[k].status === 200 && managed.push(id));
  }
  return managed.slice(0, input.wanted);
}

async function ciProjectGitlabIds(input: DiscoveryInput): Promise<Set<number>> {
  const answer = await input.ci.send({ method: 'GET', path: '/projects', ...userAuth({ privateToken: input.privateToken, gitlabUrl: input.gitlabUrl }) });
  return new Set(Array.isArray(answer.body) ? answer.body.map((p: { gitlab_id: number }) => p.gitlab_id) : []);
}

function shuffle(ids: number[], seed: string): number[] {
  let state = [...seed].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const next = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const out = [...ids];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
