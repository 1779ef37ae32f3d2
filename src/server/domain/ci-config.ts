// The .gitlab-ci.yml of a push (data.ci_yaml_file) turned into the jobs a commit builds.
import { RE2JS } from 're2js';
import YAML from 'yaml';
import { invalid } from './errors';

export interface JobSpec {
  name: string;
  stage: string;
  commands: string[];
  tags: string[];
  allowFailure: boolean;
  options: Record<string, unknown>;
  variables: Array<{ key: string; value: string; public: boolean }>;
}

/** Top-level keys that configure the pipeline rather than name a job. */
const RESERVED = new Set(['image', 'services', 'before_script', 'after_script', 'variables', 'types', 'stages', 'cache']);

/** The build of a push without a CI configuration. */
export const DEFAULT_JOB: JobSpec = {
  name: 'default',
  stage: 'test',
  commands: [],
  tags: [],
  allowFailure: false,
  options: {},
  variables: [],
};

type Map_ = Record<string, unknown>;
const isMap = (v: unknown): v is Map_ => v !== null && typeof v === 'object' && !Array.isArray(v);

function lines(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map((v) => String(v));
  return [String(value)];
}

function variablesOf(value: unknown): JobSpec['variables'] {
  if (!isMap(value)) return [];
  return Object.entries(value).map(([key, v]) => ({ key, value: v === null || v === undefined ? '' : String(v), public: true }));
}

/** The flags of a /regex/ that RE2 knows (it is always Unicode-aware). */
const RE2_FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

/**
 * Whether a ref matches a /regex/ of a pushed configuration. A pushed configuration is anyone's input: it is
 * matched by RE2 (re2js: linear time, no backtracking), so that a pattern like /^(a+)+$/ cannot freeze the
 * server as JavaScript's backtracking engine would; a pattern RE2 cannot read matches nothing.
 */
function regexMatches(source: string, flags: string, ref: string): boolean {
  try {
    const bits = [...flags].reduce((all, flag) => all | (RE2_FLAGS[flag] ?? 0), 0);
    return RE2JS.compile(source, bits).matcher(ref).find();
  } catch {
    return false;
  }
}

/** only/except entries: "branches", "tags", a /regex/ or a ref name. */
function refMatches(patterns: string[], ref: string, isTag: boolean): boolean {
  return patterns.some((p) => {
    if (p === 'branches') return !isTag;
    if (p === 'tags') return isTag;
    const regex = /^\/(.{1,200})\/([a-z]*)$/.exec(p);
    return regex ? regexMatches(regex[1], regex[2], ref) : p === ref;
  });
}

/** Parses a .gitlab-ci.yml; throws an 'invalid' DomainError when it cannot be read as a map. */
export function jobsFromCiYaml(text: string, ref: string, isTag: boolean): JobSpec[] {
  let doc: unknown;
  try {
    doc = YAML.parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw invalid(`"data[ci_yaml_file]" is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return [];
  if (!isMap(doc)) throw invalid('"data[ci_yaml_file]" must be a YAML map');
  const globalBefore = lines(doc.before_script);
  const globalVariables = variablesOf(doc.variables);
  const jobs: JobSpec[] = [];
  for (const [name, job] of Object.entries(doc)) {
    if (RESERVED.has(name) || name.startsWith('.') || !isMap(job) || !('script' in job)) continue;
    const only = lines(job.only);
    const except = lines(job.except);
    if (only.length > 0 && !refMatches(only, ref, isTag)) continue;
    if (except.length > 0 && refMatches(except, ref, isTag)) continue;
    const options: Record<string, unknown> = {};
    const image = job.image ?? doc.image;
    const services = job.services ?? doc.services;
    if (image !== undefined && image !== null) options.image = String(image);
    if (services !== undefined && services !== null) options.services = lines(services);
    const before = job.before_script !== undefined ? lines(job.before_script) : globalBefore;
    const jobVariables = variablesOf(job.variables);
    jobs.push({
      name,
      stage: String(job.stage ?? job.type ?? 'test'),
      commands: [...before, ...lines(job.script)],
      tags: lines(job.tags),
      allowFailure: job.allow_failure === true,
      options,
      variables: [...globalVariables.filter((g) => !jobVariables.some((v) => v.key === g.key)), ...jobVariables],
    });
  }
  return jobs;
}
