// The pipeline templates users include (templates/gitlab-ci.yml) or use (action.yml): parsed, their
// shell run by bash as the CI would run it (with npx replaced by a function that records its
// arguments), and every command, option and environment variable they use checked against the CLI's
// own tables: the commands commander knows, the options of each, the environment of run's options.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import YAML from 'yaml';
import { registerCommands } from '../../src/cli/commands';
import { OPTIONS } from '../../src/config/options';
import { parseShard } from '../../src/config/run-config';
import { ROOT } from '../run/helpers';

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The environment variables the CLI reads, from its option table. */
const CLI_ENVIRONMENT = new Set(OPTIONS.flatMap(([, variable]) => (variable ? [variable] : [])));

/** Variables a template may use that neither it nor the CLI defines, and who does. */
const PROVIDED: Record<string, string> = {
  CI_NODE_INDEX: 'GitLab CI, in a job with parallel: (1-based)',
  CI_NODE_TOTAL: 'GitLab CI, in a job with parallel:',
  GITHUB_OUTPUT: 'GitHub Actions, in every step',
  PACT_DO_NOT_TRACK: 'the Pact library: no usage telemetry',
};

function cli(): Command {
  const program = new Command('gitlab-ci-conformance');
  registerCommands(program);
  return program;
}

/** Runs a script with bash in `cwd` and answers the arguments of every npx call it made. */
function npxCalls(script: string, env: Record<string, string>, cwd: string): string[][] {
  const calls = path.join(cwd, 'npx-calls.jsonl');
  const shim = `npx() { node -e 'require("fs").appendFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)) + "\\n")' "${calls}" "$@"; }`;
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', `${shim}\n${script}`], { cwd, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  return fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [];
}

/** An npx call of the CLI: the package at the pinned version, a command commander knows, options that command takes. */
function expectCliCall(call: string[], command: string): string[] {
  const [yes, spec, name, ...rest] = call;
  expect([yes, spec, name]).toEqual(['--yes', `gitlab-ci-conformance@${VERSION}`, command]);
  const known = cli().commands.find((c) => c.name() === name);
  expect(known).toBeDefined();
  expect(known!.parseOptions(rest).unknown).toEqual([]);
  return rest;
}

/** `$NAME` and `${NAME...}` in a shell text. */
function variablesIn(text: string): string[] {
  return [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
}

/** Shell variables a script sets for itself (`args=()`, `args+=(...)`). */
function assignedIn(text: string): string[] {
  return [...text.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)\+?=/gm)].map((m) => m[1]);
}

/** Every variable is the CLI's, the template's own (defined in `own`), or provided by the platform; one named GITLAB_* is the CLI's. */
function expectKnownVariables(used: string[], own: string[]): void {
  const unknown = used.filter((v) => !CLI_ENVIRONMENT.has(v) && !own.includes(v) && !(v in PROVIDED));
  expect(unknown).toEqual([]);
  expect(own.filter((v) => v.startsWith('GITLAB_') && !CLI_ENVIRONMENT.has(v))).toEqual([]);
}

/** A GitLab artifacts glob: `*` within a folder, `**` across folders. */
function matchesGlob(file: string, glob: string): boolean {
  const pattern = glob.split('**').map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('.*');
  return new RegExp(`^${pattern}$`).test(file);
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gcc-templates-'));
}

describe('templates/gitlab-ci.yml', () => {
  type Job = { image?: string; when?: string; variables?: Record<string, string>; script: string[]; artifacts: { when?: string; paths: string[]; reports?: { junit?: string } } };
  const template = YAML.parse(fs.readFileSync(path.join(ROOT, 'templates', 'gitlab-ci.yml'), 'utf8')) as Record<string, Job>;

  test('defines only hidden jobs, to extend: .gitlab-ci-conformance and .gitlab-ci-conformance-merge', () => {
    expect(Object.keys(template).sort()).toEqual(['.gitlab-ci-conformance', '.gitlab-ci-conformance-merge']);
    for (const job of Object.values(template)) expect(job.variables?.CONFORMANCE_VERSION).toBe(VERSION);
  });

  test.each([
    [1, 1],
    [2, 3],
  ])('job %i of %i (parallel: CI_NODE_INDEX, CI_NODE_TOTAL) runs its shard, writes its reports where the artifacts and the JUnit report are taken', (index, total) => {
    const job = template['.gitlab-ci-conformance'];
    const cwd = tempDir();
    const env = { ...job.variables, ...(total > 1 ? { CI_NODE_INDEX: String(index), CI_NODE_TOTAL: String(total) } : {}) };
    const [call, ...more] = npxCalls(job.script.join('\n'), env, cwd);
    expect(more).toEqual([]);
    const options = expectCliCall(call, 'run');
    expect(parseShard(options[options.indexOf('--shard') + 1], '--shard')).toEqual({ index, total });
    const reportDir = options[options.indexOf('--report-dir') + 1];
    expect(reportDir).toBe(`reports/shard-${index}`);
    expect(matchesGlob(`${reportDir}/junit.xml`, job.artifacts.reports!.junit!)).toBe(true);
    expect(job.artifacts.paths.some((p) => matchesGlob(`${reportDir}/report.html`, `${p.replace(/\/$/, '')}/**`))).toBe(true);
    expect(job.artifacts.when).toBe('always');
  });

  test('the merge job runs also after a failed shard, merges every shard directory and keeps the merged reports', () => {
    const job = template['.gitlab-ci-conformance-merge'];
    const cwd = tempDir();
    for (const k of [1, 2, 3]) fs.mkdirSync(path.join(cwd, 'reports', `shard-${k}`), { recursive: true });
    const [call] = npxCalls(job.script.join('\n'), job.variables ?? {}, cwd);
    const [first, second, third, ...options] = expectCliCall(call, 'merge-reports');
    expect([first, second, third]).toEqual(['reports/shard-1', 'reports/shard-2', 'reports/shard-3']);
    expect(options).toEqual(['--report-dir', 'reports/merged']);
    expect(job.when).toBe('always');
    expect(job.artifacts).toMatchObject({ when: 'always', paths: ['reports/merged/'] });
  });

  test('every variable it uses is read by the CLI, set by the template, or provided by GitLab CI', () => {
    for (const job of Object.values(template)) expectKnownVariables([...Object.keys(job.variables ?? {}), ...variablesIn(job.script.join('\n'))], Object.keys(job.variables ?? {}));
  });
});

describe('action.yml (GitHub Actions composite action)', () => {
  type Step = { id?: string; uses?: string; if?: string; shell?: string; env?: Record<string, string>; run?: string; with?: Record<string, string> };
  const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { required?: boolean; default?: string }>;
    runs: { using: string; steps: Step[] };
  };
  const certify = action.runs.steps.find((s) => s.run)!;

  /** The step's environment as GitHub would make it: every `${{ inputs.x }}` replaced by the input's value. */
  function stepEnv(given: Record<string, string>): Record<string, string> {
    const value = (name: string) => given[name] ?? action.inputs[name]?.default ?? '';
    return Object.fromEntries(Object.entries(certify.env ?? {}).map(([k, v]) => [k, v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => value(name))]));
  }

  test('is a composite action whose inputs are the target, the GitLab URL and the credentials (the private token required)', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.entries(action.inputs).filter(([, i]) => i.required).map(([name]) => name).sort()).toEqual(['gitlab-url', 'private-token', 'target']);
    expect(action.inputs.version.default).toBe(VERSION);
    // Inputs reach the shell as environment variables only, never spliced into the script.
    expect(certify.run).not.toMatch(/\$\{\{/);
    for (const step of action.runs.steps) for (const used of JSON.stringify(step).matchAll(/inputs\.([\w-]+)/g)) expect(Object.keys(action.inputs)).toContain(used[1]);
  });

  test.each([
    [{}, [], 'gitlab-ci-conformance-reports'],
    [{ only: 'GET-200,gitlab-runner', skip: 'forks', shard: '2/3' }, ['--only', 'GET-200,gitlab-runner', '--skip', 'forks', '--shard', '2/3'], 'gitlab-ci-conformance-reports-shard-2'],
  ])('with %j runs `run` with %j and names the artifact %s', (given, expectedOptions, artifact) => {
    const cwd = tempDir();
    const env = { ...stepEnv({ target: 'https://ci.example', 'gitlab-url': 'https://gitlab.example', 'private-token': 'a-secret', ...given }), GITHUB_OUTPUT: path.join(cwd, 'output') };
    const [call, ...more] = npxCalls(certify.run!, env, cwd);
    expect(more).toEqual([]);
    expect(expectCliCall(call, 'run')).toEqual(expectedOptions);
    expect(fs.readFileSync(env.GITHUB_OUTPUT, 'utf8')).toBe(`artifact=${artifact}\n`);
    expect(env).toMatchObject({ GITLAB_CI_URL: 'https://ci.example', GITLAB_URL: 'https://gitlab.example', GITLAB_CI_PRIVATE_TOKEN: 'a-secret' });
  });

  test('uploads the report directory under that name, also when the run failed', () => {
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with).toMatchObject({ name: `\${{ steps.${certify.id}.outputs.artifact }}`, path: '${{ inputs.report-dir }}' });
    expect(certify.env?.GITLAB_CI_REPORT_DIR).toBe('${{ inputs.report-dir }}');
  });

  test('every variable it uses is read by the CLI, set by the step for its own script, or provided by GitHub Actions', () => {
    const own = [...Object.keys(certify.env ?? {}).filter((v) => variablesIn(certify.run!).includes(v)), ...assignedIn(certify.run!)];
    expectKnownVariables([...Object.keys(certify.env ?? {}), ...variablesIn(certify.run!)], own);
  });
});

test('the README and the templates pin the version of this package in every example', () => {
  for (const file of ['README.md', 'templates/gitlab-ci.yml', 'action.yml']) {
    const pinned = [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/gitlab-ci-conformance@v?(\d+\.\d+\.\d+)/g)].map((m) => m[1]);
    expect(pinned.length).toBeGreaterThan(0);
    expect(pinned.filter((v) => v !== VERSION)).toEqual([]);
  }
});
