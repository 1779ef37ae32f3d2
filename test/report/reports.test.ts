// The three reports of one run, built from the same results: report.json valid against its schema,
// report.html with failures and skips in separate sections (in a stable order, with unique anchors, each
// with its doc sentence and, for a failure, its replay and exchanges), and junit.xml with the tool's
// properties and the doc sentence and replay in every <failure> / skipped <system-out>. Tokens never.
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DEFAULTS, type RunConfig } from '../../src/config/run-config';
import { wireRequestOf } from '../../src/http/wire';
import { evidenceOf, type Recorded } from '../../src/report/evidence';
import { Redactor } from '../../src/report/redact';
import type { CheckResult } from '../../src/report/results';
import { buildReport, writeReports, type RunReport } from '../../src/report/write';
import { tempDir } from '../run/helpers';
import { schemaErrors } from './support';

const TOKEN = 'RECOGNISABLE-private-token-777';
const CONFIG: RunConfig = {
  target: 'http://127.0.0.1:9',
  gitlabUrl: 'http://127.0.0.1:8',
  privateToken: TOKEN,
  gitlabProjectIds: [],
  profile: DEFAULTS.profile,
  only: [],
  skip: [],
  reportDir: 'reports',
  timeoutMs: DEFAULTS.timeoutMs,
  concurrency: DEFAULTS.concurrency,
  runId: 'abcd1234',
  seed: 1,
  examples: DEFAULTS.examples,
  sequences: DEFAULTS.sequences,
  steps: DEFAULTS.steps,
};

const redactor = new Redactor([TOKEN]);

/** A failure whose answer holds what would end a CDATA section, and the token. */
function failedExchange(): Recorded {
  return {
    request: wireRequestOf(`${CONFIG.target}/api/v1`, { method: 'PUT', path: '/projects/1', query: { private_token: TOKEN }, rawBody: '{"token": "unterminated' }),
    response: { httpVersion: '1.1', status: 500, statusText: 'Internal Server Error', headers: [['Content-Type', 'text/plain']], body: Buffer.from(`]]> <b>boom</b> ${TOKEN}`) },
    startedAt: 1,
    durationMs: 2.25,
  };
}

const check = (fields: Partial<CheckResult> & Pick<CheckResult, 'id' | 'rule' | 'status'>): CheckResult => ({
  operation: 'PUT /projects/{id}',
  suite: 'suites/01_projects.test.ts',
  title: `${fields.id} title`,
  ...fields,
});

const CHECKS: CheckResult[] = [
  check({ id: 'updateProject:GET-200', rule: 'GET-200', status: 'passed' }),
  check({ id: 'updateProject:MALFORMED-INPUT-400:bad-json', rule: 'MALFORMED-INPUT-400', status: 'failed', reason: 'The API answered 500 Server Error, expected 400 Bad Request.', evidence: evidenceOf([failedExchange()], redactor, 'curl -sS -i -X PUT \'http://127.0.0.1:9/api/v1/projects/1?private_token=\'"$GITLAB_CI_PRIVATE_TOKEN"') }),
  // Two ids that make the same anchor text: the anchors still differ.
  check({ id: 'a:b', rule: 'AUTH-USER-FORBIDDEN-403', status: 'skipped', reason: 'needs a developer token', operation: 'DELETE /projects/{id}' }),
  check({ id: 'a b', rule: 'AUTH-USER-FORBIDDEN-403', status: 'skipped', reason: 'needs a developer token', operation: 'DELETE /projects/{id}' }),
  check({ id: 'pact:gitlab-runner:x', rule: 'CONSUMER-CONTRACT', status: 'failed', reason: 'expected 200 but was 204', suite: 'contracts/pacts/gitlab-runner.json', operation: 'DELETE /runners/delete' }),
  check({ id: 'createProject:POST-201', rule: 'POST-201', status: 'failed', reason: 'The API answered 500.', operation: 'POST /projects' }),
];

function build(checks: CheckResult[]): RunReport {
  return buildReport(CONFIG, { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1234, leftBehind: [], checks });
}

function write(report: RunReport): Record<'json' | 'html' | 'junit', string> {
  const dir = tempDir('reports');
  writeReports(dir, report, redactor);
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  return { json: read('report.json'), html: read('report.html'), junit: read('junit.xml') };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const report = build(CHECKS);
const written = write(report);

test('report.json is valid against spec/report.schema.json, in the order suite file, operation, rule, whatever order the results came in', () => {
  expect(schemaErrors(JSON.parse(written.json))).toEqual([]);
  expect(report.checks.map((c) => c.id)).toEqual(['pact:gitlab-runner:x', 'a b', 'a:b', 'createProject:POST-201', 'updateProject:GET-200', 'updateProject:MALFORMED-INPUT-400:bad-json']);
  const shuffled = write(build([...CHECKS].reverse()));
  expect(shuffled.html.replace(/\d+(\.\d+)? s</, '')).toBe(written.html.replace(/\d+(\.\d+)? s</, ''));
  expect(shuffled.junit).toBe(written.junit);
});

test('every check carries its rule\'s doc sentence and decision from spec/rules.yaml', () => {
  const malformed = report.checks.find((c) => c.rule === 'MALFORMED-INPUT-400')!;
  expect(malformed.source).toEqual({
    page: 'api-docs/README.md (GitLab CI API overview)',
    section: 'Status codes',
    quote: '`400 Bad Request` - A required attribute of the API request is missing',
    decision: expect.stringMatching(/^An unreadable body leaves every attribute missing/),
  });
});

test('report.html: failures and skipped checks in separate sections, unique anchors, each with its doc sentence; failures with replay and exchange', () => {
  const { html } = written;
  const section = (id: string) => html.slice(html.indexOf(`<section id="${id}">`), html.indexOf('</section>', html.indexOf(`<section id="${id}">`)));
  const failures = section('failures');
  const skipped = section('skipped');
  expect(failures.match(/<details class="failed"/g)).toHaveLength(3);
  expect(failures).not.toContain('class="skipped"');
  expect(skipped.match(/<details class="skipped"/g)).toHaveLength(2);
  const anchors = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(anchors).size).toBe(anchors.length);
  for (const c of report.checks.filter((x) => x.status !== 'passed')) {
    const details = html.slice(html.indexOf(`[${c.rule}] ${c.operation}: ${c.title}`));
    expect(details.slice(0, 3000)).toContain(escapeHtml(c.source!.quote));
    expect(details.slice(0, 3000)).toContain(escapeHtml(c.source!.decision!.slice(0, 60)));
  }
  expect(failures).toContain('&#34;$GITLAB_CI_PRIVATE_TOKEN&#34;');
  expect(failures).toContain('{&#34;token&#34;: &#34;unterminated');
  expect(failures).toContain('HTTP/1.1 500 Internal Server Error (2.3 ms)');
  // A cell of the matrix leads to its first check that did not pass.
  const malformedAnchor = /<details class="failed" id="([^"]+)"><summary>✗ \[MALFORMED-INPUT-400\]/.exec(html)![1];
  expect(html).toContain(`<a href="#${malformedAnchor}">✗</a>`);
});

test('junit.xml: valid XML whatever a body holds, the run\'s properties, the doc sentence and the replay in the failure text', () => {
  const { junit } = written;
  expect(XMLValidator.validate(junit)).toBe(true);
  const parsed = new XMLParser({ ignoreAttributes: false, cdataPropName: 'cdata' }).parse(junit) as {
    testsuites: { testsuite: Array<{ properties: { property: Array<Record<string, string>> }; testcase: Array<Record<string, unknown>> }> };
  };
  const suites = parsed.testsuites.testsuite;
  for (const suite of suites) {
    const properties = Object.fromEntries(suite.properties.property.map((p) => [p['@_name'], p['@_value']]));
    expect(properties).toMatchObject({ tool: 'gitlab-ci-conformance', 'tool.version': report.tool.version, 'description.sha256': report.description.sha256, runId: 'abcd1234', 'options.privateToken': '[REDACTED]' });
  }
  const cases = suites.flatMap((s) => [s.testcase].flat());
  const malformed = cases.find((c) => String(c['@_name']).startsWith('[MALFORMED-INPUT-400]')) as { failure: { cdata: string } };
  const text = [malformed.failure.cdata].flat().join('');
  expect(text).toContain('MALFORMED-INPUT-400 derives from api-docs/README.md (GitLab CI API overview), section "Status codes"');
  expect(text).toContain('Decision where the docs leave a choice: An unreadable body');
  expect(text).toContain('"$GITLAB_CI_PRIVATE_TOKEN"');
  expect(text).toContain(']]> <b>boom</b>');
  const skippedCase = cases.find((c) => String(c['@_name']).startsWith('[AUTH-USER-FORBIDDEN-403]')) as { 'system-out': { cdata: string } };
  expect(skippedCase['system-out'].cdata).toMatch(/^skipped: needs a developer token\nAUTH-USER-FORBIDDEN-403 derives from/);
});

test('no report holds the token, in any of its forms', () => {
  for (const text of Object.values(written)) {
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('[REDACTED]');
  }
});
