// What a generated suite file calls: one Jest test per case, named with its rule ID and a sentence that
// names the operation, in a block named after the file. Every case runs concurrently: `run` loads all
// the planned suite files into one Jest test file (src/runner/jest.ts), whose concurrent tests Jest runs
// together, within --concurrency requests in flight; each file's state is removed in its block's afterAll.
import { afterAll, describe, test } from '@jest/globals';
import type { OperationCases } from '../derive/cases';
import { suiteName } from './files';
import { Session } from './session';

export interface SuiteOperation extends OperationCases {
  tag: string;
}

/** `file`: the suite file's name without extension (01_projects), as the generator wrote it. */
export function defineSuite(file: string, operations: SuiteOperation[]): void {
  const suite = suiteName(file);
  describe(suite, () => {
    const session = new Session(operations[0]?.tag, suite);
    afterAll(() => session.close());
    for (const op of operations) {
      for (const generated of op.cases) {
        // The case as the active profile expects it: its test name states that expectation.
        const selection = session.selection(generated, op);
        const { spec } = selection;
        const name = `[${spec.rule}] ${spec.title}`;
        if (!selection.run) {
          if (selection.report) session.recordSkip(spec, op.label, selection.report);
          test.skip(name, () => undefined);
          continue;
        }
        test.concurrent(name, () => session.runCase(spec, op.operationId, op.label));
      }
    }
  });
}
