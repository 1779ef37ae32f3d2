// How reports name a suite file: by its generated source, suites/NN_tag.test.ts, whichever copy Jest
// runs (the build compiles suites/*.test.ts to dist/suites/*.test.js, which `run` runs).
import path from 'node:path';

/** From a path of either copy, or the bare name (01_projects). */
export function suiteName(file: string): string {
  return `suites/${path.basename(file).replace(/\.test\.(js|ts)$/, '').replace(/\.(js|ts)$/, '')}.test.ts`;
}
