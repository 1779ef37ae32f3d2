// The one naming scheme: everything a run creates is named `<prefix>-<runId>-<what>-<random>` and its
// builds carry the tag `<prefix>-<runId>`, so that a run's things are told from anyone else's by name
// alone (the sweep finds by name the projects whose creation got no answer).
import crypto from 'node:crypto';

export class Naming {
  constructor(
    readonly runId: string,
    readonly prefix = 'conformance',
  ) {}

  /** A run-unique name, e.g. conformance-1a2b3c-project-9f8e7d. */
  name(what: string): string {
    return `${this.prefix}-${this.runId}-${what}-${crypto.randomBytes(3).toString('hex')}`;
  }

  /** A run-unique tag: only this run's builds carry it, so only this run's runners take them. */
  tag(base = this.prefix): string {
    return `${base}-${this.runId}`;
  }

  /** What every name of the run contains (said to a user who must look for them by hand). */
  get marker(): string {
    return `-${this.runId}-`;
  }

  /** Whether a CI project's name (a fork's is "Namespace / name") was given by this run. */
  isOfRun(projectName: string): boolean {
    const start = `${this.prefix}${this.marker}`;
    return projectName.startsWith(start) || projectName.includes(`/ ${start}`);
  }
}
