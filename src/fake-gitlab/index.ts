// The fake GitLab identity service (GitLab API v3 subset) used by the reference server and by runs
// against an implementation under test.
export { startFakeGitlab, answer, type FakeGitlab, type FakeGitlabOptions } from './server';
export { loadGitlabData, USER_ROLES, ACCESS, FIXTURE_DIR, FIXTURE_USERS, type FixtureUser, type UserRole, type GitlabData } from './fixtures';
