// What a generated suite file calls: one Jest test per case, named with its rule ID and a sentence that
// names the operation. Every case of the file runs concurrently (Jest runs concurrent tests of one block
// together, so there is one block per file), within --concurrency requests in flight; the file's state
// is removed in afterAll.
import { afterAll, expect, test } from '@jest/globals';
import type { OperationCases } from '../derive/cases';
import { suiteName } from './files';
import { Session } from './session';

export interface SuiteOperation extends OperationCases {
  tag: string;
}

export function defineSuite(operations: SuiteOperation[]): void {
  const session = new Session(operations[0]?.tag, suiteFile());
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
}

/** The suite file being loaded (Jest knows it from the start). */
function suiteFile(): string | undefined {
  const file = expect.getState().testPath;
  return file ? suiteName(file) : undefined;
}
