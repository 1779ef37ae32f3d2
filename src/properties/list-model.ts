// The model of a model-based sequence (rules LISTS-SHOW-CREATED, DELETED-GONE-FROM-LISTS): what the run
// created and changed, and what the docs promise the lists show of it. Pure: the commands that change the
// target and the model together are in src/scenarios/model-lists.ts.

export interface ModelProject {
  id: number;
  token: string;
  name: string;
  gitlabId: number;
  defaultRef: string;
  deleted: boolean;
  commits: ModelCommit[];
}

export interface ModelRunner {
  id: number;
  token: string;
  /** Projects it may take builds of: the one it was registered for, and those it is linked to. */
  projectIds: Set<number>;
  deleted: boolean;
}

export interface ModelCommit {
  sha: string;
  ref: string;
  /** Build id -> status. */
  builds: Map<number, string>;
}

export type ListRule = 'LISTS-SHOW-CREATED' | 'DELETED-GONE-FROM-LISTS';

type Item = Record<string, unknown>;
const items = (body: unknown): Item[] => (Array.isArray(body) ? body.filter((i): i is Item => i !== null && typeof i === 'object') : []);

export class ListModel {
  readonly projects: ModelProject[] = [];
  readonly runners: ModelRunner[] = [];

  live<T extends { deleted: boolean }>(of: T[]): T[] {
    return of.filter((x) => !x.deleted);
  }

  deleteProject(project: ModelProject): void {
    project.deleted = true;
    for (const runner of this.runners) runner.projectIds.delete(project.id);
  }

  /** A live runner that may take a pending build of a live project, if any. */
  runnerWithWork(): ModelRunner | undefined {
    const pending = new Set(this.live(this.projects).filter((p) => p.commits.some((c) => [...c.builds.values()].includes('pending'))).map((p) => p.id));
    return this.live(this.runners).find((r) => [...r.projectIds].some((id) => pending.has(id)));
  }

  setBuild(buildId: number, status: string): boolean {
    const commit = this.projects.flatMap((p) => p.commits).find((c) => c.builds.has(buildId));
    commit?.builds.set(buildId, status);
    return commit !== undefined;
  }
}

/** GET /projects (or /projects/owned): what the rule says of it, or undefined when it holds. */
export function projectsListProblem(model: ListModel, body: unknown, rule: ListRule, list: string): string | undefined {
  const listed = new Map(items(body).map((p) => [p.id, p]));
  if (rule === 'DELETED-GONE-FROM-LISTS') {
    const still = model.projects.filter((p) => p.deleted && listed.has(p.id));
    return still.length ? `${list} still lists the deleted project(s) ${still.map((p) => p.id).join(', ')}.` : undefined;
  }
  const wrong = model.live(model.projects).flatMap((p) => {
    const shown = listed.get(p.id);
    if (!shown) return [`project ${p.id} (${p.name}) is missing`];
    const expected: Item = { name: p.name, gitlab_id: p.gitlabId, default_ref: p.defaultRef };
    return Object.entries(expected).filter(([k, v]) => shown[k] !== v).map(([k, v]) => `project ${p.id} shows ${k} ${JSON.stringify(shown[k])}, expected ${JSON.stringify(v)}`);
  });
  return wrong.length ? `${list}: ${wrong.join('; ')}.` : undefined;
}

/** GET /runners: every live runner with its token, no deleted one. */
export function runnersListProblem(model: ListModel, body: unknown, rule: ListRule): string | undefined {
  const listed = new Map(items(body).map((r) => [r.id, r]));
  if (rule === 'DELETED-GONE-FROM-LISTS') {
    const still = model.runners.filter((r) => r.deleted && listed.has(r.id));
    return still.length ? `GET /runners still lists the deleted runner(s) ${still.map((r) => r.id).join(', ')}.` : undefined;
  }
  const wrong = model.live(model.runners).filter((r) => listed.get(r.id)?.token !== r.token);
  return wrong.length ? `GET /runners does not list runner(s) ${wrong.map((r) => r.id).join(', ')} with their token.` : undefined;
}

/** GET /commits of a project: every commit pushed, with the state of its builds. */
export function commitsListProblem(project: ModelProject, body: unknown): string | undefined {
  const listed = items(body);
  const wrong = project.commits.flatMap((c) => {
    const shown = listed.find((l) => l.sha === c.sha && l.ref === c.ref);
    if (!shown) return [`commit ${c.sha.slice(0, 8)} (${c.ref}) is missing`];
    const builds = new Map(items(shown.builds).map((b) => [b.id, b.status]));
    return [...c.builds].filter(([id, status]) => builds.get(id) !== status).map(([id, status]) => `build ${id} shows ${JSON.stringify(builds.get(id))}, expected ${status}`);
  });
  return wrong.length ? `GET /commits of project ${project.id}: ${wrong.join('; ')}.` : undefined;
}
