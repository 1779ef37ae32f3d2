// Typed clients of the GitLab CI API v1: what its consumers (runners, GitLab, dashboards) do with it.
// Each runs over any Transport: HttpClient in production, the Pact mock server in consumer tests.
export * from './types';
export { ApiError } from './errors';
export { RunnerClient, type RunnerClientOptions } from './runner-client';
export { GitlabClient, type UserCredentials, userAuth } from './gitlab-client';
export { DashboardClient } from './dashboard-client';
