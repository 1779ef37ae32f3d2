// The provider states of the pacts, named once: the consumer tests (contracts/consumers) give them, the
// provider verification sets each up (./states.ts has one entry per name).
export const STATE = {
  registrationToken: 'the runners registration token is known',
  project: 'a CI project exists',
  freeGitlabProject: 'a GitLab project without a CI project exists',
  runner: 'a runner is registered for the project',
  otherRunner: 'a runner of another CI project exists',
  pushed: 'a commit with a pending build was pushed to the project',
  running: 'the runner is running the build',
  finished: 'the build has finished',
  runnerDeleted: 'the runner has been deleted',
} as const;

export type StateName = (typeof STATE)[keyof typeof STATE];
