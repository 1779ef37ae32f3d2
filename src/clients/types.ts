// The resources of the GitLab CI API v1 as the typed clients return them, written from the schemas of
// spec/gitlab-ci-v1.openapi.yaml (components.schemas). Fields a server may leave out are optional.

export type BuildStatus = 'pending' | 'running' | 'success' | 'failed' | 'canceled';
export type CommitStatus = BuildStatus | 'skipped';
/** The states a runner reports with PUT /builds/:id. */
export type BuildState = 'running' | 'success' | 'failed';

export interface Project {
  id: number;
  name: string;
  timeout: number;
  token: string;
  default_ref: string;
  gitlab_url: string | null;
  path: string;
  always_build: boolean;
  polling_interval: number | null;
  public: boolean;
  ssh_url_to_repo: string;
  gitlab_id: number;
}

export interface ProjectCreate {
  name: string;
  gitlab_id: number;
  path: string;
  ssh_url_to_repo: string;
  default_ref?: string;
}

export type ProjectUpdate = Partial<ProjectCreate>;

/** A runner as registration, linking and listing return it. */
export interface Runner {
  id: number;
  token: string;
}

/** What the Go runner says about itself (stored by the server, never required). */
export interface RunnerInfo {
  name?: string;
  version?: string;
  revision?: string;
  platform?: string;
  architecture?: string;
  executor?: string;
  features?: Record<string, unknown>;
}

export interface Build {
  id: number;
  project_id: number;
  ref: string;
  status: BuildStatus;
  finished_at: string | null;
  created_at: string;
  updated_at: string;
  sha: string;
  started_at: string | null;
  before_sha: string | null;
  runner_id: number | null;
  coverage: number | null;
  commit_id: number;
}

/** The build POST /builds/register hands to a runner. */
export interface BuildAssignment {
  id: number;
  commands: string;
  path?: string;
  ref: string;
  sha: string;
  project_id: number;
  repo_url: string;
  before_sha: string;
  allow_git_fetch?: boolean;
  timeout?: number;
  variables?: Array<{ key: string; value: string; public?: boolean }>;
  options?: Record<string, unknown>;
}

export interface Commit {
  id: number;
  ref: string;
  sha: string;
  project_id: number;
  before_sha: string | null;
  created_at: string;
  status: CommitStatus;
  finished_at: string | null;
  duration: number | null;
  git_commit_message: string | null;
  git_author_name: string | null;
  git_author_email: string | null;
  builds: Build[];
}

/** GitLab push data (the payload of a GitLab push hook), as POST /commits takes it. */
export interface PushData {
  before: string;
  after: string;
  checkout_sha?: string;
  ref: string;
  user_name?: string;
  user_email?: string;
  repository?: Record<string, unknown>;
  commits?: Array<{
    id: string;
    message: string;
    timestamp: string;
    url: string;
    author: { name: string; email: string };
  }>;
  total_commits_count?: number;
  ci_yaml_file?: string;
}

/** GitLab project data of a fork, as POST /forks takes it. */
export interface ForkData {
  id: number;
  name_with_namespace: string;
  path_with_namespace: string;
  web_url: string;
  default_branch: string;
  ssh_url_to_repo: string;
}
