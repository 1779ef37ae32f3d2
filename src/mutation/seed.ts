// Data a staging server already holds before a run: CI projects of another user and of the same user on
// other GitLab projects, shared and specific runners, commits with builds in every state, a deleted
// runner. Seeded through the target's API with the suite's own fixtures (src/state/fixtures.ts), as the
// fake GitLab's users: the outsider on the GitLab projects it owns (2001-2002), the maintainer on the
// two of its own (1059-1060). It is someone else's data: the seeding never removes it, and a run
// must leave it exactly as it was (test/mutation/conforming.test.ts).
import type { UserRole } from '../fake-gitlab';
import { HttpClient } from '../http/client';
import type { RunningReferenceStack } from '../server';
import { Fixtures, type Scope } from '../state/fixtures';
import { GitlabIdPool } from '../state/gitlab-id-pool';
import { Naming } from '../state/naming';

/** The fixtures of one user of the fake GitLab on the GitLab projects given; their scope is never closed. */
function seeder(stack: RunningReferenceStack, role: UserRole, gitlabIds: number[]): Scope {
  const api = new HttpClient({ baseUrl: `${stack.url}/api/v1`, timeoutMs: 10_000, concurrency: 1 });
  return new Fixtures({
    api,
    user: { privateToken: stack.users[role], gitlabUrl: stack.gitlabUrl },
    naming: new Naming('staging', role),
    gitlabIds: new GitlabIdPool(gitlabIds),
    claimTimeoutMs: 0,
  }).scope();
}

export async function seedStagingData(stack: RunningReferenceStack): Promise<void> {
  const outsider = seeder(stack, 'outsider', [2001, 2002]);
  const maintainer = seeder(stack, 'maintainer', [1059, 1060]);
  const outsiderA = await outsider.createProject('main');
  const outsiderB = await outsider.createProject('main');
  const mine = await maintainer.createProject('main');
  const alsoMine = await maintainer.createProject('main');
  // A push as GitLab sends it; `ci_yaml_file` undefined: GitLab found no CI configuration (the default job).
  const push = (scope: Scope, ciYamlFile: string | undefined) => ({ ...scope.fixtures.pushData({ ref: 'main' }), ci_yaml_file: ciYamlFile });

  // Runners: a shared one without tags, specific ones (one linked to two projects), one deleted.
  await outsider.runner().register({ token: stack.registrationToken, description: 'shared runner of staging', tags: [] });
  const specific = await outsider.registerRunner(outsiderA, ['docker']);
  await maintainer.linkRunner(mine, specific);
  const busy = await maintainer.registerRunner(mine, []);
  await outsider.runner((await outsider.registerRunner(outsiderB, [])).token).delete();

  // Commits with builds: pending (untagged and tagged), running, finished.
  await outsider.pushCommit(outsiderA, push(outsider, undefined));
  await outsider.pushCommit(outsiderB, push(outsider, 'build:\n  script: make\n  tags: [docker]\ntest:\n  script: make test\n'));
  await maintainer.pushCommit(mine, push(maintainer, undefined));
  await maintainer.takeBuild(busy.token);
  await maintainer.pushCommit(alsoMine, push(maintainer, 'lint:\n  script: make lint\n'));
  await maintainer.linkRunner(alsoMine, busy);
  await maintainer.finishBuild(busy.token, await maintainer.takeBuild(busy.token), 'success', 'ok');
}
