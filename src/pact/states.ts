// The provider states of the Pact contracts: a map from state name to the fixtures that set it up
// THROUGH THE API of the target (src/state/fixtures.ts: no back door, the target is a black box). Each
// answers the values the replayed request needs (ids, tokens) for `fromProviderState`; whatever a state
// or a replayed request created is recorded in the interaction's scope and removed when it ends.
//
// Every interaction also gets `privateToken` and `gitlabUrl`: the user the run acts as (authentication #1).
import type { Scope } from '../state/fixtures';
import type { ClaimRefusal } from '../state/gitlab-id-pool';
import { STATE, type StateName } from './state-names';

export type StateValues = Record<string, unknown>;

/** One interaction's provider states: the values so far, the scope of what they created, the states given. */
export class Interaction {
  readonly values: StateValues;
  readonly states: string[] = [];
  /** The first state that could not be set up, with the reason (no secret in it). */
  failure?: string;
  /** The status that refused the replayed request's creation: on a GitLab project its states took, maybe taken by another run. */
  refusedWith?: number;
  /** What that refusal met (src/state/gitlab-id-pool.ts): the interaction is replayed again when it failed. */
  claim?: ClaimRefusal;

  constructor(
    base: StateValues,
    readonly scope: Scope,
  ) {
    this.values = { ...base };
  }

  /** A value an earlier state of the interaction provided. */
  need<T>(key: string, state: StateName): T {
    const value = this.values[key];
    if (value === undefined) throw new Error(`needs the state "${state}" before it`);
    return value as T;
  }
}

interface ProviderState {
  /** The interaction is skipped (with the reason) when the run has no runners registration token. */
  needsRegistrationToken?: boolean;
  /** GitLab ids its set-up holds until the interaction ends (a CI project made, or one kept free). */
  holdsGitlabIds?: number;
  setup(interaction: Interaction, params: Record<string, unknown>, registrationToken: string | undefined): Promise<StateValues | void>;
}

/** The run-unique form of a tag named in a state's params (`pact` -> `pact-<runId>`). */
function runTag(scope: Scope, tag: unknown): string {
  return scope.fixtures.naming.tag(typeof tag === 'string' && tag ? tag : 'pact');
}

export const PROVIDER_STATES: Record<StateName | '', ProviderState> = {
  // An interaction without a provider state.
  '': { setup: async () => undefined },

  [STATE.registrationToken]: {
    needsRegistrationToken: true,
    async setup(_interaction, _params, registrationToken) {
      if (!registrationToken) throw new Error('no runners registration token is configured');
      return { registrationToken };
    },
  },

  [STATE.project]: {
    holdsGitlabIds: 1,
    async setup({ scope }, params) {
      const project = await scope.createProject(typeof params.default_ref === 'string' ? params.default_ref : 'master');
      return { projectId: project.id, projectToken: project.token, projectGitlabId: project.gitlabId, projectName: project.name };
    },
  },

  [STATE.freeGitlabProject]: {
    holdsGitlabIds: 1,
    // The replayed request attaches a CI project to this id: it must be free right now, not only when
    // the run found it (another run against the same target may use it meanwhile).
    async setup({ scope }) {
      return { freeGitlabId: await scope.freeGitlabId(), freeName: scope.fixtures.naming.name('project') };
    },
  },

  [STATE.runner]: {
    async setup(interaction, params) {
      const projectToken = interaction.need<string>('projectToken', STATE.project);
      const runner = await interaction.scope.registerRunner({ token: projectToken }, [runTag(interaction.scope, params.tag_list)]);
      return { runnerId: runner.id, runnerToken: runner.token };
    },
  },

  [STATE.otherRunner]: {
    holdsGitlabIds: 1,
    async setup({ scope }) {
      const runner = await scope.registerRunner(await scope.createProject(), [runTag(scope, 'pact')]);
      return { otherRunnerId: runner.id };
    },
  },

  [STATE.pushed]: {
    async setup(interaction, params) {
      const id = interaction.need<number>('projectId', STATE.project);
      const token = interaction.need<string>('projectToken', STATE.project);
      const ref = typeof params.ref === 'string' ? params.ref : 'master';
      const { scope } = interaction;
      const commit = await scope.pushCommit({ id, token }, scope.fixtures.pushData({ ref, tags: [runTag(scope, params.tags)] }));
      return { commitId: commit.id, commitSha: commit.sha };
    },
  },

  [STATE.running]: {
    async setup(interaction) {
      return { buildId: await interaction.scope.takeBuild(interaction.need<string>('runnerToken', STATE.runner)) };
    },
  },

  [STATE.finished]: {
    async setup(interaction, params) {
      const token = interaction.need<string>('runnerToken', STATE.runner);
      const buildId = interaction.need<number>('buildId', STATE.running);
      const state = params.state === 'failed' ? 'failed' : 'success';
      await interaction.scope.finishBuild(token, buildId, state, `$ make test\n${state}\n`);
    },
  },

  [STATE.runnerDeleted]: {
    async setup(interaction) {
      await interaction.scope.runner(interaction.need<string>('runnerToken', STATE.runner)).delete();
    },
  },
};

export function isProviderState(name: string): name is StateName | '' {
  return Object.hasOwn(PROVIDER_STATES, name);
}

/** GitLab ids the set-up of `states` holds until their interaction ends. */
export function gitlabIdsHeld(states: string[]): number {
  return states.reduce((sum, name) => sum + ((isProviderState(name) && PROVIDER_STATES[name].holdsGitlabIds) || 0), 0);
}
