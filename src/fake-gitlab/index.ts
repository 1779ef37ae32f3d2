// The fake GitLab identity service (GitLab API v3 subset) used by the reference server and by runs
// against an implementation under test.
export { startFakeGitlab, type FakeGitlab } from './server';
export { FIXTURE_USERS, type UserRole } from './fixtures';
