// The model-based checks of the lists (LISTS-SHOW-CREATED, DELETED-GONE-FROM-LISTS): random sequences of
// changes (fast-check's `commands`), each made through the run's fixtures in a scope of its own and
// mirrored in a small model (src/properties/list-model.ts); after every step the list the check is about is
// read and compared with the model. A failing sequence is shrunk to the shortest that still fails, and
// replayed once more: its requests are the evidence.
import fc from 'fast-check';
import { PropertyViolation } from '../properties/check';
import { commitsListProblem, ListModel, projectsListProblem, runnersListProblem, type ListRule, type ModelProject } from '../properties/list-model';
import type { CaseContext, ExampleContext, Scenario } from './context';
import { generatedCheck } from './generated';

interface Real {
  example: ExampleContext;
  /** Reads the list the check is about and throws PropertyViolation when the rule is broken. */
  verify(model: ListModel): Promise<void>;
}

type Command = fc.AsyncCommand<ListModel, Real>;

/** Projects a sequence creates at most (each takes a GitLab project of the run). */
const MAX_PROJECTS = 3;

const pick = <T>(of: T[], index: number): T => of[index % of.length];

/** A command: its precondition, what it does to the target and the model, and how the evidence names it. */
function command(name: string, check: (m: ListModel) => boolean, run: (m: ListModel, r: Real) => Promise<void>): Command {
  return {
    check,
    run: async (m, r) => {
      await run(m, r);
      await r.verify(m);
    },
    toString: () => name,
  };
}

const hasLive = (of: (m: ListModel) => Array<{ deleted: boolean }>) => (m: ListModel) => m.live(of(m)).length > 0;
const projects = (m: ListModel) => m.projects;
const runners = (m: ListModel) => m.runners;
/** The i-th live runner and the j-th live project. */
const pair = (m: ListModel, i: number, j: number) => [pick(m.live(m.runners), i), pick(m.live(m.projects), j)] as const;
/** Whether that runner is linked to that project; undefined when there is no such pair. */
const linked = (m: ListModel, i: number, j: number): boolean | undefined =>
  hasLive(runners)(m) && hasLive(projects)(m) ? pair(m, i, j)[0].projectIds.has(pair(m, i, j)[1].id) : undefined;

const COMMANDS = {
  createProject: fc.constantFrom('master', 'main', 'release/1.0').map((ref) =>
    command(`create a project (default_ref ${ref})`, (m) => m.projects.length < MAX_PROJECTS, async (m, r) => {
      const p = await r.example.scope.createProject(ref);
      m.projects.push({ ...p, defaultRef: ref, deleted: false, commits: [] });
    }),
  ),
  updateProject: fc.tuple(fc.nat(MAX_PROJECTS), fc.constantFrom('main', 'develop')).map(([i, ref]) =>
    command(`update project #${i} (rename, default_ref ${ref})`, hasLive(projects), async (m, r) => {
      const p = pick(m.live(m.projects), i);
      const name = `${p.name}-renamed`;
      await r.example.scope.gitlab.updateProject(p.id, { name, default_ref: ref });
      Object.assign(p, { name, defaultRef: ref });
    }),
  ),
  deleteProject: fc.nat(MAX_PROJECTS).map((i) =>
    command(`delete project #${i}`, hasLive(projects), async (m, r) => {
      const p = pick(m.live(m.projects), i);
      await r.example.scope.gitlab.deleteProject(p.id);
      m.deleteProject(p);
    }),
  ),
  registerRunner: fc.nat(MAX_PROJECTS).map((i) =>
    command(`register a runner for project #${i}`, hasLive(projects), async (m, r) => {
      const p = pick(m.live(m.projects), i);
      const runner = await r.example.scope.registerRunner(p);
      m.runners.push({ ...runner, projectIds: new Set([p.id]), deleted: false });
    }),
  ),
  deleteRunner: fc.nat(MAX_PROJECTS).map((i) =>
    command(`delete runner #${i}`, hasLive(runners), async (m, r) => {
      const runner = pick(m.live(m.runners), i);
      await r.example.scope.runner(runner.token).delete();
      runner.deleted = true;
    }),
  ),
  // Only a link that is not there yet, and only one that is, is made or undone: doing either again is what
  // DELETE-IDEMPOTENT-REPEAT (and a profile's departure from it) is about, not the list.
  link: fc.tuple(fc.nat(MAX_PROJECTS), fc.nat(MAX_PROJECTS)).map(([i, j]) =>
    command(`link runner #${i} to project #${j}`, (m) => linked(m, i, j) === false, async (m, r) => {
      const [runner, p] = pair(m, i, j);
      await r.example.scope.linkRunner(p, runner);
      runner.projectIds.add(p.id);
    }),
  ),
  unlink: fc.tuple(fc.nat(MAX_PROJECTS), fc.nat(MAX_PROJECTS)).map(([i, j]) =>
    command(`unlink runner #${i} from project #${j}`, (m) => linked(m, i, j) === true, async (m, r) => {
      const [runner, p] = pair(m, i, j);
      await r.example.scope.gitlab.unlinkRunner(p.id, runner.id);
      runner.projectIds.delete(p.id);
    }),
  ),
  push: fc.nat(MAX_PROJECTS).map((i) =>
    command(`push a commit to project #${i}`, hasLive(projects), async (m, r) => {
      const p = pick(m.live(m.projects), i);
      const commit = await r.example.scope.pushCommit(p);
      p.commits.push({ sha: commit.sha, ref: commit.ref, builds: new Map(commit.buildIds.map((id) => [id, 'pending'])) });
    }),
  ),
  updateBuild: fc.constant(
    command('a runner takes a pending build and reports it successful', (m) => m.runnerWithWork() !== undefined, async (m, r) => {
      const runner = m.runnerWithWork() as NonNullable<ReturnType<ListModel['runnerWithWork']>>;
      const buildId = await r.example.scope.takeBuild(runner.token);
      await r.example.scope.finishBuild(runner.token, buildId, 'success', 'conformance');
      if (!m.setBuild(buildId, 'success')) throw new PropertyViolation(`POST /builds/register handed runner ${runner.id} build ${buildId}, which is none of its projects'.`);
    }),
  ),
};

type CommandName = keyof typeof COMMANDS;

/** What changes each list, and the fixed sequence tried before the random ones (every change once). */
const LISTS: Record<string, { commands: CommandName[]; first: CommandName[] }> = {
  listProjects: { commands: ['createProject', 'updateProject', 'deleteProject'], first: ['createProject', 'createProject', 'updateProject', 'deleteProject'] },
  listOwnedProjects: { commands: ['createProject', 'deleteProject'], first: ['createProject', 'deleteProject'] },
  listRunners: { commands: ['createProject', 'registerRunner', 'deleteRunner', 'link', 'unlink'], first: ['createProject', 'registerRunner', 'registerRunner', 'deleteRunner'] },
  listCommits: { commands: ['createProject', 'push', 'registerRunner', 'updateBuild'], first: ['createProject', 'push', 'registerRunner', 'updateBuild'] },
};

/** Reads the list of the check's operation and judges it against the model for the rule. */
function verifier(ctx: CaseContext, example: ExampleContext, rule: ListRule): Real['verify'] {
  const user = ctx.world.userAuth();
  const read = async (path: string) => (await example.send({ method: 'GET', path, ...user })).response.body;
  const judge = (problem: string | undefined) => {
    if (problem) throw new PropertyViolation(problem);
  };
  switch (ctx.op.operationId) {
    case 'listProjects':
    case 'listOwnedProjects':
      return async (m) => judge(projectsListProblem(m, await read(ctx.op.path), rule, `GET ${ctx.op.path}`));
    case 'listRunners':
      return async (m) => judge(runnersListProblem(m, await read('/runners'), rule));
    case 'listCommits':
      return async (m) => {
        for (const p of m.live(m.projects).filter((q: ModelProject) => q.commits.length)) {
          const answer = await example.send({ method: 'GET', path: '/commits', query: { project_id: p.id, project_token: p.token, per_page: 100 } });
          judge(commitsListProblem(p, answer.response.body));
        }
      };
    default:
      throw new Error(`no list model for ${ctx.op.operationId}`);
  }
}

const modelLists: Scenario = async (ctx) => {
  const list = LISTS[ctx.op.operationId];
  if (!list) throw new Error(`src/scenarios/model-lists.ts has no sequence of changes for ${ctx.op.operationId}`);
  const rule = ctx.rule.id as ListRule;
  const sequences = fc.commands(list.commands.map((name) => COMMANDS[name]), { maxCommands: ctx.config.steps });
  const first = fc.sample(fc.tuple(...list.first.map((name) => COMMANDS[name])), { numRuns: 1, seed: 0 })[0];
  const attempt = (example: ExampleContext, commands: Iterable<Command>) =>
    fc.asyncModelRun(() => ({ model: new ListModel(), real: { example, verify: verifier(ctx, example, rule) } }), commands);
  const budget = { ...ctx.config, examples: ctx.config.sequences };
  const describe = (commands: Iterable<Command>) => {
    // The steps that ran: fast-check skips a command whose precondition does not hold.
    const steps = [...commands].filter((c) => (c as { hasRan?: boolean }).hasRan !== false).map(String);
    return `the sequence of ${steps.length} step(s): ${steps.join(' → ')}`;
  };
  // One sequence at a time: a step reads lists that another sequence's steps would change meanwhile.
  return generatedCheck({ ...ctx, config: budget }, sequences, [first], attempt, describe, 'one-after-another');
};

export const MODEL_SCENARIOS = { 'model-lists': modelLists };
