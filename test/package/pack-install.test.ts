// The npm package as a new user gets it: `npm pack`, installed with npm into an empty project (offline,
// from the local cache), then run from there with npx. Proves the tarball holds what the commands need,
// that `run` finds the compiled suites below node_modules, and that the programmatic API loads.
// Needs dist/ built (npm test builds it first).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import type { RunReport } from '../../src/report/write';
import { schemaErrors } from '../report/support';
import { ROOT } from '../run/helpers';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** npm never reaches for the registry here: everything comes from the local cache. */
const OFFLINE = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', PACT_DO_NOT_TRACK: 'true' };

function exec(command: string, args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: OFFLINE });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Manifest {
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
}

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  [key: string]: unknown;
}

/**
 * The empty project's package.json and package-lock.json: the tarball as its one dependency, and the
 * package's dependencies at the versions of the repository's lock. npm installs a locked tree from the
 * cache alone; resolving version ranges would need the registry's full metadata, which `npm ci` does
 * not leave in the cache.
 */
function emptyProject(dir: string, tarball: string, manifest: Manifest): void {
  const repoLock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${path.basename(tarball)}`;
  const packages: Record<string, LockEntry> = {
    '': { name: 'empty-project', version: '1.0.0', dependencies: { 'gitlab-ci-conformance': spec } },
    'node_modules/gitlab-ci-conformance': {
      version: manifest.version,
      resolved: spec,
      integrity: `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
      license: manifest.license,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  for (const [where, entry] of Object.entries(repoLock.packages)) {
    if (!where || entry.dev) continue;
    const { devOptional, ...rest } = entry;
    packages[where] = devOptional ? { ...rest, optional: true } : rest;
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'empty-project', version: '1.0.0', private: true, dependencies: { 'gitlab-ci-conformance': spec } }));
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'empty-project', version: '1.0.0', lockfileVersion: 3, requires: true, packages }));
}

const project = fs.mkdtempSync(path.join(os.tmpdir(), 'gcc-package-'));
let packed: string[];
let manifest: Manifest;
const timings: Record<string, number> = {};

beforeAll(async () => {
  let started = Date.now();
  // dist/ is built: packing without the prepare script does not build it a second time.
  const pack = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], ROOT);
  expect(pack.code).toBe(0);
  const [{ filename, files }] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packed = files.map((f) => f.path);
  manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
  timings.pack = Date.now() - started;
  started = Date.now();
  emptyProject(project, path.join(project, filename), manifest);
  const install = await exec('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
  expect({ code: install.code, stderr: install.stderr.split('\n').filter((l) => /ERR/.test(l)) }).toEqual({ code: 0, stderr: [] });
  timings.install = Date.now() - started;
}, 180_000);

afterAll(() => {
  fs.rmSync(project, { recursive: true, force: true });
  process.stdout.write(`pack-install: ${Object.entries(timings).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`).join(', ')}\n`);
});

test('the tarball holds the compiled code and suites, spec/, the pacts, the fixtures, the templates and the licences; no sources', () => {
  const has = (pattern: RegExp) => packed.filter((f) => pattern.test(f));
  expect(has(/^dist\/suites\/\d\d_\w+\.test\.js$/)).toHaveLength(fs.readdirSync(path.join(ROOT, 'suites')).length);
  for (const file of ['bin/gitlab-ci-conformance.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'dist/runner/check-costs.json', 'spec/gitlab-ci-v1.openapi.yaml', 'spec/rules.yaml', 'spec/report.schema.json', 'templates/gitlab-ci.yml', 'action.yml', 'README.md', 'LICENSE', 'fixtures/gitlab/LICENSE.gitlab-ci', 'fixtures/gitlab/users.json']) {
    expect(packed).toContain(file);
  }
  expect(has(/^contracts\/pacts\/.+\.json$/)).toHaveLength(fs.readdirSync(path.join(ROOT, 'contracts', 'pacts')).filter((f) => f.endsWith('.json')).length);
  expect(has(/^(src|test|suites|bench)\/|\.map$|tsbuildinfo|^dist\/.*\.test\.ts$/)).toEqual([]);
});

test('npx gitlab-ci-conformance --version and rules work in the project it is installed in', async () => {
  expect(await exec('npx', ['gitlab-ci-conformance', '--version'], project)).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  const rules = await exec('npx', ['gitlab-ci-conformance', 'rules', '--json'], project);
  expect(rules.code).toBe(0);
  expect((JSON.parse(rules.stdout) as { rules: unknown[] }).rules.length).toBeGreaterThan(40);
}, 60_000);

test('an embedded run from the installed package runs the suites below node_modules and a pact: exit 0, three reports', async () => {
  const reportDir = path.join(project, 'reports');
  const run = await exec('npx', ['gitlab-ci-conformance', 'run', '--only', 'GET-200,ci-dashboard', '--report-dir', reportDir], project);
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
  const report = JSON.parse(fs.readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as RunReport;
  expect(schemaErrors(report)).toEqual([]);
  expect(new Set(report.checks.map((c) => c.rule))).toEqual(new Set(['GET-200', 'CONSUMER-CONTRACT']));
  expect(report.summary).toEqual({ passed: report.checks.length, failed: 0, skipped: 0, waived: 0 });
  expect(report.checks.filter((c) => c.rule === 'GET-200').map((c) => c.suite)).toContain('suites/01_projects.test.ts');
  const xml = fs.readFileSync(path.join(reportDir, 'junit.xml'), 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(xml.match(/<testcase /g)).toHaveLength(report.checks.length);
  expect(fs.readFileSync(path.join(reportDir, 'report.html'), 'utf8')).toContain('<table class="matrix">');
}, 120_000);

test('the programmatic API loads from the package name: run, startReferenceStack, startFakeGitlab', async () => {
  const script = [
    "const api = require('gitlab-ci-conformance');",
    'api.startFakeGitlab().then(async (gitlab) => {',
    "  const user = await (await fetch(gitlab.url + '/api/v3/user', { headers: { 'PRIVATE-TOKEN': gitlab.users.maintainer } })).json();",
    '  await gitlab.close();',
    '  console.log(JSON.stringify({ exports: Object.keys(api).sort(), user: user.username }));',
    '});',
  ].join('\n');
  const result = await exec(process.execPath, ['-e', script], project);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual({ exports: ['run', 'startFakeGitlab', 'startReferenceStack'], user: 'ci-maintainer' });
}, 60_000);
