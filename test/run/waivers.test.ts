// --waivers through the built CLI: a waived failure exits 0 and is reported `waived` (console, report.json,
// junit.xml as skipped with the reason, report.html), never passed; an expired waiver is ignored (exit 1);
// a waiver whose checks passed is reported stale; a bad waivers file exits 2 with one line.
import fs from 'node:fs';
import path from 'node:path';
import { readReport } from '../report/support';
import { runCli, tempDir } from './helpers';

// Under gitlab-ci-8.0 the embedded (strict) server fails DELETE-IDEMPOTENT-REPEAT on its three operations.
const SELECTION = ['--profile', 'gitlab-ci-8.0', '--only', 'DELETE-IDEMPOTENT-REPEAT,GET-200'];

function waiversFile(text: string): string {
  const file = path.join(tempDir('waivers-file'), 'waivers.yaml');
  fs.writeFileSync(file, text);
  return file;
}

describe('a failure a waiver covers', () => {
  const reportDir = tempDir('waived');
  const file = waiversFile(
    [
      'waivers:',
      '  - rule: DELETE-IDEMPOTENT-REPEAT',
      '    reason: 8.0 answered 404 the second time; fixed in 2.3',
      '    expires: 2999-12-31',
      '  - rule: GET-200',
      '    operation: GET /projects',
      '    reason: a deviation since fixed',
      '',
    ].join('\n'),
  );
  let result: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    result = await runCli(['run', ...SELECTION, '--waivers', file, '--report-dir', reportDir]);
  }, 120_000);

  test('exits 0, the check still ran and is reported waived with the reason and its failure, never passed', () => {
    expect(result.code).toBe(0);
    const report = readReport(reportDir);
    const repeat = report.checks.filter((c) => c.rule === 'DELETE-IDEMPOTENT-REPEAT');
    expect(repeat.map((c) => c.status)).toEqual(['waived', 'waived', 'waived']);
    for (const check of repeat) {
      expect(check.reason).toMatch(/^waived \(.*waivers\.yaml, entry 1\): 8\.0 answered 404 the second time; fixed in 2\.3\. The check failed: The second identical DELETE answered 200, expected 40[34]\.$/);
      expect(check.evidence?.curl).toBeTruthy();
    }
    expect(report.summary).toEqual({ passed: 5, failed: 0, skipped: 0, waived: 3 });
    expect(report.options.waivers).toBe(file);
  });

  test('the console counts it waived, and reports the waiver applied and the stale one (the deviation is gone)', () => {
    expect(result.stderr).toMatch(/5 passed, 0 failed, 0 skipped, 3 waived in /);
    expect(result.stderr).toMatch(/DELETE-IDEMPOTENT-REPEAT: applied \(3 checks\); "8\.0 answered 404 the second time; fixed in 2\.3", until 2999-12-31/);
    expect(result.stderr).toMatch(/GET-200 on GET \/projects: stale: its checks ran and none failed, the deviation is gone; "a deviation since fixed"/);
    const report = readReport(reportDir);
    expect(report.waivers?.map((w) => [w.rule, w.state])).toEqual([
      ['DELETE-IDEMPOTENT-REPEAT', 'applied'],
      ['GET-200', 'stale'],
    ]);
  });

  test('junit.xml has it skipped with the reason; report.html counts and lists it', () => {
    const xml = fs.readFileSync(path.join(reportDir, 'junit.xml'), 'utf8');
    const testCase = xml.split('<testcase').find((t) => t.includes('DELETE-IDEMPOTENT-REPEAT') && t.includes('DELETE /projects/{id}:'))!;
    expect(testCase).toContain('<skipped/>');
    expect(testCase).toContain('waived: waived (');
    expect(testCase).not.toContain('<failure');
    expect(xml).toContain('name="waiver.stale"');
    const html = fs.readFileSync(path.join(reportDir, 'report.html'), 'utf8');
    expect(html).toContain('<b class="waived">3 waived</b>');
    expect(html).toContain('<h2>Waived failures (3)</h2>');
    expect(html).toMatch(/<section id="waivers"><h2>Waivers \(2\)<\/h2>/);
  });
});

test('an expired waiver is ignored: the check fails, exit 1, the waiver reported expired', async () => {
  const reportDir = tempDir('expired');
  const file = waiversFile('waivers:\n  - {rule: DELETE-IDEMPOTENT-REPEAT, reason: was accepted until 2020, expires: 2020-12-31}\n');
  const result = await runCli(['run', ...SELECTION, '--report-dir', reportDir], { GITLAB_CI_WAIVERS: file });
  expect(result.code).toBe(1);
  const report = readReport(reportDir);
  expect(report.summary).toEqual({ passed: 5, failed: 3, skipped: 0, waived: 0 });
  expect(report.waivers).toEqual([expect.objectContaining({ rule: 'DELETE-IDEMPOTENT-REPEAT', state: 'expired', checks: expect.arrayContaining([expect.stringMatching(/DELETE-IDEMPOTENT-REPEAT/)]) })]);
  expect(result.stderr).toMatch(/DELETE-IDEMPOTENT-REPEAT: expired: ignored, its checks fail again \(3 checks\)/);
}, 120_000);

test.each<[string, string, RegExp]>([
  ['an unknown rule ID', 'waivers:\n  - {rule: DELETE-IDEMPOTENT-REPEAT, reason: a}\n  - {rule: DELETE-IDEMPOTENT, reason: b}\n', /waivers\.yaml, entry 2 \(DELETE-IDEMPOTENT\): unknown rule ID "DELETE-IDEMPOTENT"/],
  ['an unknown operation', 'waivers:\n  - {rule: DELETE-IDEMPOTENT-REPEAT, operation: DELETE /projects, reason: a}\n', /entry 1 \(DELETE-IDEMPOTENT-REPEAT\): "DELETE \/projects" is not an operation DELETE-IDEMPOTENT-REPEAT applies to/],
  ['a missing reason', 'waivers:\n  - {rule: DELETE-IDEMPOTENT-REPEAT}\n', /entry 1 \(DELETE-IDEMPOTENT-REPEAT\): no reason/],
  ['a bad date', 'waivers:\n  - {rule: DELETE-IDEMPOTENT-REPEAT, reason: a, expires: tomorrow}\n', /entry 1 \(DELETE-IDEMPOTENT-REPEAT\): expires "tomorrow" is not a date/],
])('a waivers file with %s: exit 2, one line naming the file and the entry', async (_what, text, message) => {
  const file = waiversFile(text);
  const result = await runCli(['run', '--waivers', file, '--report-dir', tempDir('bad-waivers')]);
  expect(result.code).toBe(2);
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines).toEqual([expect.stringMatching(/^gitlab-ci-conformance: --waivers \(GITLAB_CI_WAIVERS\): /)]);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(message);
});
