// What a fault proxy learns from the exchanges it forwards, and only from them: which CI tokens the server
// handed out and whose they are, which runners are linked to which projects, which builds exist and which
// runner took each, what was deleted. Faults that must tell one token or id from another ask here; a
// fault proxy is started in front of a server it sees from the beginning (the mutants' empty server).
import { jsonOf, type ProxiedRequest, type ProxiedResponse } from '../http/proxy';
import { apiPathOf, idOf, is, listParam, param } from './wire';

export type CiTokenKind = 'registration' | 'project' | 'runner' | 'deleted-runner';

interface RunnerSeen {
  id: number;
  projectIds: Set<number>;
  /** Registered with the registration token: may run builds of every project. */
  shared: boolean;
  tags: string[];
  deleted: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : []);

export class Sightings {
  /** Live CI projects: id -> token. */
  private readonly projectTokens = new Map<number, string>();
  private readonly deletedProjects = new Set<number>();
  /** Runners by token. */
  private readonly runners = new Map<string, RunnerSeen>();
  /** Builds by id: their project and the token of the runner that took them. */
  private readonly builds = new Map<number, { projectId: number; runnerToken?: string }>();

  constructor(private readonly registrationToken: string) {}

  /** Takes note of one exchange with the server. */
  learn(request: ProxiedRequest, response: ProxiedResponse): void {
    if (response.status >= 400) return;
    const body = jsonOf(response);
    const path = apiPathOf(request);
    if (is(request, 'DELETE', '/projects/{id}')) this.projectDeleted(body);
    else if (path.startsWith('/projects/') && path.includes('/runners/')) this.linkSeen(request, body);
    else if (path.startsWith('/projects') || path === '/forks') for (const p of objects(body)) this.projectSeen(p);
    else if (path.startsWith('/runners')) this.runnerSeen(request, body);
    else if (path === '/commits') for (const c of objects(body)) this.buildsSeen(c);
    else if (is(request, 'POST', '/builds/register') && isObject(body)) this.buildTaken(body, param(request, 'token'));
  }

  private projectSeen(p: Json): void {
    if (typeof p.id === 'number' && typeof p.token === 'string' && 'gitlab_id' in p) this.projectTokens.set(p.id, p.token);
  }

  private projectDeleted(body: unknown): void {
    if (!isObject(body) || typeof body.id !== 'number') return; // nothing was there to delete
    const id = body.id;
    this.projectTokens.delete(id);
    this.deletedProjects.add(id);
    for (const runner of this.runners.values()) runner.projectIds.delete(id);
    for (const [buildId, build] of this.builds) if (build.projectId === id) this.builds.delete(buildId);
  }

  /** POST (link) or DELETE (unlink) /projects/:id/runners/:runner_id, answered with the runner. */
  private linkSeen(request: ProxiedRequest, body: unknown): void {
    if (!isObject(body) || typeof body.token !== 'string' || typeof body.id !== 'number') return;
    const runner = this.runner(body.token, body.id);
    if (request.method === 'POST') runner.projectIds.add(idOf(request));
    else runner.projectIds.delete(idOf(request));
  }

  private runnerSeen(request: ProxiedRequest, body: unknown): void {
    const token = param(request, 'token');
    if (is(request, 'DELETE', '/runners/delete')) {
      if (token && isObject(body) && typeof body.id === 'number') this.runner(token, body.id).deleted = true;
      return;
    }
    for (const r of objects(body)) {
      if (typeof r.token !== 'string' || typeof r.id !== 'number') continue;
      const runner = this.runner(r.token, r.id);
      if (is(request, 'POST', '/runners/register') && token !== undefined) this.registered(runner, token, listParam(request, 'tag_list'));
    }
  }

  /** A runner registered with the registration token (shared) or a project token (specific to it), with its tags. */
  private registered(runner: RunnerSeen, token: string, tags: string[]): void {
    const project = this.projectOfToken(token);
    if (project !== undefined) runner.projectIds.add(project);
    runner.shared = token === this.registrationToken;
    runner.tags = tags;
  }

  private runner(token: string, id: number): RunnerSeen {
    let runner = this.runners.get(token);
    if (!runner) this.runners.set(token, (runner = { id, projectIds: new Set(), shared: false, tags: [], deleted: false }));
    return runner;
  }

  private buildsSeen(commit: Json): void {
    if (typeof commit.project_id !== 'number') return;
    for (const b of objects(commit.builds)) {
      if (typeof b.id === 'number' && !this.builds.has(b.id)) this.builds.set(b.id, { projectId: commit.project_id });
    }
  }

  private buildTaken(assignment: Json, runnerToken: string | undefined): void {
    if (typeof assignment.id === 'number' && typeof assignment.project_id === 'number') {
      this.builds.set(assignment.id, { projectId: assignment.project_id, runnerToken });
    }
  }

  // ---- what faults ask --------------------------------------------------------------------------------

  /** The kind of CI token this is, as far as the proxy has seen (undefined: no CI token it knows). */
  ciTokenKind(token: string): CiTokenKind | undefined {
    if (token === this.registrationToken) return 'registration';
    if (this.projectOfToken(token) !== undefined) return 'project';
    const runner = this.runners.get(token);
    if (runner) return runner.deleted ? 'deleted-runner' : 'runner';
    return undefined;
  }

  projectToken(projectId: number): string | undefined {
    return this.projectTokens.get(projectId);
  }

  private projectOfToken(token: string): number | undefined {
    for (const [id, t] of this.projectTokens) if (t === token) return id;
    return undefined;
  }

  projectExists(id: number): boolean {
    return this.projectTokens.has(id);
  }

  wasProjectDeleted(id: number): boolean {
    return this.deletedProjects.has(id);
  }

  /** The live projects the runner is linked to. */
  projectsOfRunner(token: string): number[] {
    const runner = this.runners.get(token);
    return runner && !runner.deleted ? [...runner.projectIds] : [];
  }

  /**
   * Whether the runner may surely run a build of the project that needs no tag beyond `tags`: it is live,
   * shared or linked to the project, and has those tags (as far as the proxy has seen).
   */
  runnerMayRun(token: string, projectId: number, tags: readonly string[]): boolean {
    const runner = this.runners.get(token);
    return !!runner && !runner.deleted && (runner.shared || runner.projectIds.has(projectId)) && tags.every((t) => runner.tags.includes(t));
  }

  /** The tags the runner registered with. */
  tagsOfRunner(token: string): string[] {
    return this.runners.get(token)?.tags ?? [];
  }

  buildExists(id: number): boolean {
    return this.builds.has(id);
  }

  /** The token of the runner the build was handed to, if the proxy saw it. */
  runnerTokenOfBuild(id: number): string | undefined {
    return this.builds.get(id)?.runnerToken;
  }
}
