// How reports name a suite file: by its generated source, suites/NN_tag.test.ts, whichever copy Jest
// runs (the build compiles suites/*.test.ts to dist/suites/*.test.js, which `run` runs).
import path from 'node:path';

/** From a path of either copy, or the bare name (01_projects). */
export function suiteName(file: string): string {
  return `suites/${path.basename(file).replace(/\.test\.(js|ts)$/, '').replace(/\.(js|ts)$/, '')}.test.ts`;
}

/**
 * A case's Jest test name: its suite file, its rule ID and its sentence. The suite files' tests run in one
 * block (src/runner/jest.ts), so the name says which file a test is of.
 */
export function caseName(suite: string, rule: string, title: string): string {
  return `${suite} [${rule}] ${title}`;
}

export function parseCaseName(name: string): { suite: string; rule: string; title: string } | undefined {
  const match = /^(suites\/\S+\.test\.ts) \[([A-Z0-9-]+)\] (.*)$/s.exec(name);
  return match ? { suite: match[1], rule: match[2], title: match[3] } : undefined;
}
