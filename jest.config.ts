import type { Config } from 'jest';

// The project's own tests (`npm test`). The conformance suites in suites/ are not run here directly:
// `gitlab-ci-conformance run` runs them against a target with its own configuration (src/runner/).
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/contracts'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60_000,
  // Most tests wait on a CLI process or a server of their own: two files at a time on a 2-core machine
  // (Jest's default is one fewer worker than cores).
  maxWorkers: 2,
};

export default config;
