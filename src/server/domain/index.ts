// The domain of the reference server, independent of HTTP.
export * from './errors';
export * from './model';
export * from './store';
export { jobsFromCiYaml, DEFAULT_JOB, type JobSpec } from './ci-config';
export { randomToken, randomHexToken } from './tokens';
