// The suites' state: what a suite file's cases share (one project, one runner, ...), made once per file
// by the fixtures (./fixtures.ts) and removed in the file's afterAll; a case's own state lives in its
// Scope and is removed when the case ends, whatever its outcome.
import { userAuth } from '../clients';
import type { RunConfig } from '../config/run-config';
import type { ApiRequest, Transport } from '../http/types';
import { type Fixtures, type Leftover, type ProjectHandle, type RunnerHandle, type CommitHandle, type Scope } from './fixtures';

export class World {
  private readonly memo = new Map<string, Promise<unknown>>();
  /** What the shared state is made in: it lives as long as the suite file. */
  private readonly shared: Scope;
  readonly buildTag: string;

  constructor(
    readonly config: RunConfig,
    readonly fixtures: Fixtures,
  ) {
    this.shared = fixtures.scope();
    this.buildTag = fixtures.naming.tag();
  }

  /** Requests that create nothing the run must remove (reads, probes). */
  get api(): Transport {
    return this.shared.api;
  }

  scope(): Scope {
    return this.fixtures.scope();
  }

  userAuth(form: 'query' | 'header' = 'query'): Pick<ApiRequest, 'query' | 'headers'> {
    return userAuth({ privateToken: this.config.privateToken, gitlabUrl: this.config.gitlabUrl, tokenIn: form });
  }

  uniqueName(what: string): string {
    return this.fixtures.naming.name(what);
  }

  /** The project most cases read from; created once per suite file. */
  sharedProject(): Promise<ProjectHandle> {
    return this.once('shared-project', () => this.shared.createProject());
  }

  /** A second project, for "token of another project" cases. */
  otherProject(): Promise<ProjectHandle> {
    return this.once('other-project', () => this.shared.createProject());
  }

  /** A specific runner of the shared project, tagged so it only ever receives this run's builds. */
  sharedRunner(): Promise<RunnerHandle> {
    return this.once('shared-runner', async () => this.shared.registerRunner(await this.sharedProject()));
  }

  /** A commit of the shared project, so that listings have builds to show. */
  sharedCommit(): Promise<CommitHandle> {
    return this.once('shared-commit', async () => this.shared.pushCommit(await this.sharedProject()));
  }

  /** The token of a runner that was registered and then deleted. */
  deletedRunnerToken(): Promise<string> {
    return this.once('deleted-runner', async () => {
      const scope = this.scope();
      const runner = await scope.registerRunner(await this.sharedProject());
      await scope.close();
      return runner.token;
    });
  }

  /** Removes everything the suite file created; answers what could not be removed (it stays in the ledger). */
  removeAll(): Promise<Leftover[]> {
    return this.fixtures.removeAll();
  }

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = make();
      this.memo.set(key, value);
    }
    return value;
  }
}
