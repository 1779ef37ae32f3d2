// What a generated suite file calls: one Jest test per case, named with its file, its rule ID and a
// sentence that names the operation. Every case runs concurrently: `run` loads all the planned suite files
// into one Jest test file (src/runner/jest.ts), and Jest runs the concurrent tests of one block together
// (of the file's root block here: blocks of their own would run one after the other), within
// --concurrency requests in flight; each file's state is removed in afterAll.
import { afterAll, test } from '@jest/globals';
import type { OperationCases } from '../derive/cases';
import { caseName, suiteName } from './files';
import { Session } from './session';

export interface SuiteOperation extends OperationCases {
  tag: string;
}

/** `file`: the suite file's name without extension (01_projects), as the generator wrote it. */
export function defineSuite(file: string, operations: SuiteOperation[]): void {
  const suite = suiteName(file);
  const session = new Session(operations[0]?.tag, suite);
  afterAll(() => session.close());
  for (const op of operations) {
    for (const generated of op.cases) {
      // The case as the active profile expects it: its test name states that expectation.
      const selection = session.selection(generated, op);
      const { spec } = selection;
      const name = caseName(suite, spec.rule, spec.title);
      if (!selection.run) {
        if (selection.report) session.recordSkip(spec, op.label, selection.report);
        test.skip(name, () => undefined);
        continue;
      }
      test.concurrent(name, () => session.runCase(spec, op.operationId, op.label));
    }
  }
}
