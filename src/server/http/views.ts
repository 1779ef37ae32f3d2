// The JSON representations of the domain records, as the API documents them.
import type { ServerContext } from '../context';
import type { Build, Commit, Project, Runner, RunnerTombstone } from '../domain';

export function projectView(ctx: ServerContext, p: Project): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    timeout: p.timeout,
    token: p.token,
    default_ref: p.defaultRef,
    gitlab_url: `${ctx.gitlabUrl}/${p.path.replace(/^\/+/, '')}`,
    path: p.path,
    always_build: false,
    polling_interval: null,
    public: false,
    ssh_url_to_repo: p.sshUrlToRepo,
    gitlab_id: p.gitlabId,
  };
}

export function runnerView(r: Runner): Record<string, unknown> {
  return { id: r.id, token: r.token };
}

export function runnerDetailView(r: Runner | RunnerTombstone, updatedAt: string): Record<string, unknown> {
  return { id: r.id, token: r.token, created_at: r.createdAt, updated_at: updatedAt, description: r.description };
}

export function buildView(b: Build): Record<string, unknown> {
  return {
    id: b.id,
    project_id: b.projectId,
    ref: b.commit.ref,
    status: b.status,
    finished_at: b.finishedAt,
    created_at: b.createdAt,
    updated_at: b.updatedAt,
    sha: b.commit.sha,
    started_at: b.startedAt,
    before_sha: b.commit.beforeSha,
    runner_id: b.runnerId,
    coverage: b.coverage,
    commit_id: b.commit.id,
    name: b.name,
    stage: b.stage,
  };
}

export function commitView(ctx: ServerContext, c: Commit): Record<string, unknown> {
  const state = ctx.store.commitState(c);
  return {
    id: c.id,
    ref: c.ref,
    sha: c.sha,
    project_id: c.projectId,
    before_sha: c.beforeSha,
    created_at: c.createdAt,
    status: state.status,
    finished_at: state.finishedAt,
    duration: state.duration,
    git_commit_message: c.message,
    git_author_name: c.authorName,
    git_author_email: c.authorEmail,
    builds: c.builds.map(buildView),
  };
}

/** What POST /builds/register hands a runner. */
export function assignmentView(b: Build, p: Project): Record<string, unknown> {
  return {
    id: b.id,
    commands: b.commands.join('\n'),
    path: p.path,
    ref: b.commit.ref,
    sha: b.commit.sha,
    project_id: b.projectId,
    repo_url: p.sshUrlToRepo,
    before_sha: b.commit.beforeSha ?? '',
    allow_git_fetch: true,
    timeout: p.timeout,
    variables: b.variables,
    options: b.options,
    name: b.name,
    stage: b.stage,
  };
}
