// `run` without --target certifies the embedded reference server: every check passes, none is skipped,
// and the three reports are written, parse, and hold no token.
import fs from 'node:fs';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import type { RunReport } from '../../src/report/write';
import { FIXTURE_USERS } from '../../src/fake-gitlab/fixtures';
import { readJson, runCli, tempDir } from './helpers';

const REGISTRATION_TOKEN = 'RECOGNISABLE-registration-token-4242';

describe('run against the embedded reference server', () => {
  const reportDir = tempDir('embedded');
  let result: Awaited<ReturnType<typeof runCli>>;
  let report: RunReport;

  beforeAll(async () => {
    result = await runCli(['run', '--report-dir', reportDir, '--registration-token', REGISTRATION_TOKEN]);
    report = readJson<RunReport>(path.join(reportDir, 'report.json'));
  }, 180_000);

  test('exits 0 with every check passed and none skipped', () => {
    const failed = report.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.reason}`);
    expect(failed).toEqual([]);
    expect(result.code).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(400);
    expect(report.summary).toEqual({ passed: report.checks.length, failed: 0, skipped: 0 });
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
    expect(html).toContain('<table>');
    expect(html).not.toMatch(/<script src=|<link /);
  });

  test('no token appears in the console or any report', () => {
    const outputs = [result.stdout, result.stderr, ...fs.readdirSync(reportDir).map((f) => fs.readFileSync(path.join(reportDir, f), 'utf8'))];
    for (const token of [REGISTRATION_TOKEN, ...Object.values(FIXTURE_USERS).map((u) => u.privateToken)]) {
      for (const text of outputs) expect(text).not.toContain(token);
    }
  });
});
