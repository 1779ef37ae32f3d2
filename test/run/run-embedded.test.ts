// `run` without --target certifies the embedded reference server: every check passes, none is skipped,
// and the three reports are written, parse, and hold no token.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { DEFAULTS } from '../../src/config/run-config';
import type { RunReport } from '../../src/report/write';
import { FIXTURE_USERS } from '../../src/fake-gitlab/fixtures';
import { readReport } from '../report/support';
import { ROOT, runCli, tempDir } from './helpers';

const REGISTRATION_TOKEN = 'RECOGNISABLE-registration-token-4242';

describe('run against the embedded reference server', () => {
  const reportDir = tempDir('embedded');
  let result: Awaited<ReturnType<typeof runCli>>;
  let report: RunReport;

  beforeAll(async () => {
    result = await runCli(['run', '--report-dir', reportDir, '--registration-token', REGISTRATION_TOKEN]);
    report = readReport(reportDir);
  }, 180_000);

  test('exits 0 with every check passed and none skipped', () => {
    const failed = report.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.reason}`);
    expect(failed).toEqual([]);
    expect(result.code).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(400);
    expect(report.summary).toEqual({ passed: report.checks.length, failed: 0, skipped: 0, waived: 0 });
  });

  test('every check names its rule, operation and outcome', () => {
    for (const check of report.checks) {
      expect(check.rule).toMatch(/^[A-Z0-9-]+$/);
      expect(check.operation).toMatch(/^(GET|POST|PUT|DELETE) \//);
    }
    expect(report.leftBehind).toEqual([]);
  });

  test('writes junit.xml that parses, and a self-contained report.html', () => {
    const xml = fs.readFileSync(path.join(reportDir, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.match(/<testcase /g)?.length).toBe(report.checks.length);
    const html = fs.readFileSync(path.join(reportDir, 'report.html'), 'utf8');
    expect(html).toContain('<table class="matrix">');
    expect(html).not.toMatch(/<script src=|<link /);
  });

  test('report.json and junit.xml name the tool, its version, the description (SHA-256), the run, the profile and the options', () => {
    const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(path.join(ROOT, 'spec', file))).digest('hex');
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(report).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'gitlab-ci-conformance', version },
      description: { sha256: sha256('gitlab-ci-v1.openapi.yaml'), rulesSha256: sha256('rules.yaml') },
      runId: expect.stringMatching(/^[0-9a-f]{8}$/),
      seed: expect.any(Number),
      profile: 'strict',
      options: { privateToken: '[REDACTED]', registrationToken: '[REDACTED]', timeoutMs: DEFAULTS.timeoutMs, concurrency: DEFAULTS.concurrency, examples: DEFAULTS.examples, sequences: DEFAULTS.sequences, steps: DEFAULTS.steps },
    });
    const xml = fs.readFileSync(path.join(reportDir, 'junit.xml'), 'utf8');
    for (const [name, value] of [['tool.version', version], ['description.sha256', report.description.sha256], ['runId', report.runId], ['profile', 'strict'], ['options.registrationToken', '[REDACTED]']]) {
      expect(xml).toContain(`<property name="${name}" value="${value}"/>`);
    }
  });

  test('the console says the seed before any check ran, as report.json and junit.xml do', () => {
    const lines = result.stderr.split('\n');
    const at = lines.indexOf(`Seed ${report.seed} (the same generated inputs again: --seed ${report.seed})`);
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(0, at).filter((line) => /passed|failed/.test(line))).toEqual([]);
    expect(fs.readFileSync(path.join(reportDir, 'junit.xml'), 'utf8')).toContain(`<property name="seed" value="${report.seed}"/>`);
  });

  test('no token appears in the console or any report', () => {
    const outputs = [result.stdout, result.stderr, ...fs.readdirSync(reportDir).map((f) => fs.readFileSync(path.join(reportDir, f), 'utf8'))];
    for (const token of [REGISTRATION_TOKEN, ...Object.values(FIXTURE_USERS).map((u) => u.privateToken)]) {
      for (const text of outputs) expect(text).not.toContain(token);
    }
  });
});
