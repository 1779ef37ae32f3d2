// The domain of the reference server, independent of HTTP.
export * from './errors';
export * from './model';
export * from './store';
export { jobsFromCiYaml } from './ci-config';
export { randomToken } from './tokens';
