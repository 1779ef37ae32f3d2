// The programmatic API of the package (`require('gitlab-ci-conformance')`): the embedded reference
// server with its fake GitLab, the fake GitLab alone, and a run, each as the CLI does it (README,
// "Programmatic use").
export { startReferenceStack, type RunningReferenceStack, type StartReferenceStackOptions } from './server';
export { startFakeGitlab, type FakeGitlab } from './fake-gitlab';
export { type FakeGitlabOptions } from './fake-gitlab/server';
export type { TargetOptions as RunOptions } from './config/options';
export { certifyWithOptions as run } from './runner/command';
export type { RunOutcome } from './runner/run';
export type { RunReport } from './report/write';
