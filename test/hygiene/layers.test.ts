// Layers import downwards only: nothing below the CLI imports from src/cli (shared errors live in
// src/errors.ts), and the Pact verification does not reach into the mutation testing.
import path from 'node:path';
import { importsOf, tsFilesBelow } from './source-files';

const under = (dir: string) => (file: string) => file === dir || file.startsWith(`${dir}${path.sep}`);

/** [importing files, imported files it must not reach, why]. */
const FORBIDDEN: Array<[(f: string) => boolean, (f: string) => boolean, string]> = [
  [(f) => !under('src/cli')(f), under('src/cli'), 'nothing below the CLI imports from it'],
  [under('src/pact'), under('src/mutation'), 'the Pact verification does not depend on the mutation testing'],
];

describe('imports between layers', () => {
  it.each(FORBIDDEN.map(([from, to, why]) => [why, from, to] as const))('%s', (_why, from, to) => {
    const violations = tsFilesBelow('src')
      .filter(from)
      .flatMap((file) => importsOf(file).filter(to).map((imported) => `${file} imports ${imported}`));
    expect(violations).toEqual([]);
  });
});
