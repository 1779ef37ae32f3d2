// The records of the in-memory GitLab CI domain.
import type { JobSpec } from './ci-config';

export interface Project {
  id: number;
  name: string;
  token: string;
  defaultRef: string;
  gitlabId: number;
  /** GitLab path with namespace, e.g. "gitlab/gitlab-shell". */
  path: string;
  sshUrlToRepo: string;
  timeout: number;
  createdAt: string;
  updatedAt: string;
  /** Commits in creation order (oldest first). */
  commits: Commit[];
  /** sha + "\0" + ref -> commit: a commit is never created twice. */
  commitIndex: Map<string, Commit>;
}

export interface RunnerInfo {
  name?: string;
  version?: string;
  revision?: string;
  platform?: string;
  architecture?: string;
  [key: string]: unknown;
}

export interface Runner {
  id: number;
  token: string;
  description: string | null;
  tags: string[];
  /** Shared runners (registered with the registration token) may run builds of every project. */
  isShared: boolean;
  /** Projects the runner is linked to (specific runners run only these). */
  projectIds: Set<number>;
  info: RunnerInfo;
  createdAt: string;
  updatedAt: string;
  contactedAt: string | null;
}

/** What is kept of a deleted runner so that a repeated DELETE still answers 200 and the token stays refused. */
export interface RunnerTombstone {
  id: number;
  token: string;
  description: string | null;
  createdAt: string;
  deletedAt: string;
}

export type BuildStatus = 'pending' | 'running' | 'success' | 'failed' | 'canceled';
export type CommitStatus = BuildStatus | 'skipped';

/** A job of the commit's CI config (its commands are joined with newlines for the runner), being built. */
export interface Build extends JobSpec {
  id: number;
  projectId: number;
  commit: Commit;
  status: BuildStatus;
  trace: string;
  runnerId: number | null;
  coverage: number | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Commit {
  id: number;
  projectId: number;
  ref: string;
  isTag: boolean;
  sha: string;
  beforeSha: string | null;
  message: string | null;
  authorName: string | null;
  authorEmail: string | null;
  createdAt: string;
  builds: Build[];
}
