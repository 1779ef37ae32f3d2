// Data a staging server already holds before a run: CI projects of other users and of the same user on
// other GitLab projects, shared and specific runners, commits with builds in every state, a deleted
// runner. Seeded through the domain (the server is in this process), never through the suite.
import crypto from 'node:crypto';
import type { PushInput } from '../server/domain';
import type { RunningReferenceStack } from '../server';

/** GitLab projects the seed takes: the outsider's two, and the last two of the maintainer's 1001..1060. */
export const SEEDED_GITLAB_IDS = [2001, 2002, 1059, 1060];

function push(message: string, ciYamlFile?: string): PushInput {
  const sha = crypto.randomBytes(20).toString('hex');
  return {
    before: '0000000000000000000000000000000000000000',
    sha,
    ref: 'refs/heads/main',
    commits: [{ id: sha, message, authorName: 'Someone Else', authorEmail: 'someone@staging.example' }],
    ciYamlFile,
  };
}

export function seedStagingData(stack: RunningReferenceStack): void {
  const store = stack.store;
  const project = (gitlabId: number, owner: string) =>
    store.createProject({
      name: `${owner} / existing-${gitlabId}`,
      gitlabId,
      path: `${owner}/existing-${gitlabId}`,
      sshUrlToRepo: `git@gitlab.staging.example:${owner}/existing-${gitlabId}.git`,
      defaultRef: 'main',
    });
  const [outsiderA, outsiderB, mine, alsoMine] = [project(2001, 'outsider'), project(2002, 'outsider'), project(1059, 'conformance'), project(1060, 'conformance')];

  // Runners: a shared one without tags, specific ones (one linked to two projects), one deleted.
  store.registerRunner(store.registrationToken, { description: 'shared runner of staging', tags: [] });
  const specific = store.registerRunner(outsiderA.token, { description: 'docker runner of the outsider', tags: ['docker'] });
  store.linkRunner(mine.id, specific.id);
  const busy = store.registerRunner(mine.token, { description: 'runner of the maintainer', tags: [] });
  store.deleteRunner(store.registerRunner(outsiderB.token, { description: 'a runner removed last week' }).token);

  // Commits with builds: pending (untagged and tagged), running, finished.
  store.createCommit(outsiderA, push('pending, untagged'));
  store.createCommit(outsiderB, push('pending, tagged', 'build:\n  script: make\n  tags: [docker]\ntest:\n  script: make test\n'));
  store.createCommit(mine, push('will be running'));
  const running = store.requestBuild(busy);
  store.createCommit(alsoMine, push('finished', 'lint:\n  script: make lint\n'));
  store.linkRunner(alsoMine.id, busy.id);
  const finished = store.requestBuild(busy);
  if (!running || !finished) throw new Error('seed: the seeded runner could not take the seeded builds');
  store.updateBuild(busy, finished.id, { state: 'success', trace: 'ok' });
}
