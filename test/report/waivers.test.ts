// Waivers (--waivers): the file checked before anything runs (a one-line error naming the file and the
// entry), and what a waiver does to the results: a failure it matches is waived (never passed), an
// expired one is ignored, one whose checks passed is stale, one whose checks did not run is unused.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../src/errors';
import { readWaivers, type Waiver } from '../../src/config/waivers';
import type { CheckResult } from '../../src/report/results';
import { applyWaivers, mergeWaiverOutcomes } from '../../src/report/waivers';
import { tempDir } from '../run/helpers';

const KNOWN = new Map([
  ['DELETE-IDEMPOTENT-REPEAT', ['DELETE /projects/{id}', 'DELETE /projects/{id}/runners/{runner_id}', 'DELETE /runners/delete']],
  ['GET-200', ['GET /projects']],
]);
const dir = tempDir('waivers');
let n = 0;
function file(text: string, ext = 'yaml'): string {
  const name = path.join(dir, `waivers-${(n += 1)}.${ext}`);
  fs.writeFileSync(name, text);
  return name;
}

describe('readWaivers', () => {
  test('reads YAML and JSON: rule, optional operation, reason, optional expires', () => {
    const yaml = file('waivers:\n  - rule: DELETE-IDEMPOTENT-REPEAT\n    operation: delete /projects/{id}\n    reason: known deviation, fixed in 2.3\n    expires: 2027-01-31\n  - {rule: GET-200, reason: why}\n');
    expect(readWaivers(yaml, KNOWN).entries).toEqual([
      { rule: 'DELETE-IDEMPOTENT-REPEAT', operation: 'DELETE /projects/{id}', reason: 'known deviation, fixed in 2.3', expires: '2027-01-31', source: `${yaml}, entry 1` },
      { rule: 'GET-200', reason: 'why', source: `${yaml}, entry 2` },
    ]);
    const json = file(JSON.stringify({ waivers: [{ rule: 'GET-200', reason: 'why', expires: '2030-12-31' }] }), 'json');
    expect(readWaivers(json, KNOWN).entries).toEqual([{ rule: 'GET-200', reason: 'why', expires: '2030-12-31', source: `${json}, entry 1` }]);
  });

  test.each<[string, string, RegExp]>([
    ['an unknown rule ID', 'waivers:\n  - {rule: GET-200, reason: a}\n  - {rule: NO-SUCH-RULE, reason: b}\n', /entry 2 \(NO-SUCH-RULE\): unknown rule ID "NO-SUCH-RULE" \(see `gitlab-ci-conformance rules`\)$/],
    ['an unknown operation', 'waivers:\n  - {rule: GET-200, operation: GET /pipelines, reason: a}\n', /entry 1 \(GET-200\): "GET \/pipelines" is not an operation GET-200 applies to \(GET \/projects\)$/],
    ['an operation the rule does not apply to', 'waivers:\n  - {rule: GET-200, operation: DELETE /runners/delete, reason: a}\n', /entry 1 \(GET-200\): "DELETE \/runners\/delete" is not an operation GET-200 applies to/],
    ['a missing reason', 'waivers:\n  - {rule: GET-200}\n', /entry 1 \(GET-200\): no reason/],
    ['an empty reason', 'waivers:\n  - {rule: GET-200, reason: "  "}\n', /entry 1 \(GET-200\): no reason/],
    ['a bad date', 'waivers:\n  - {rule: GET-200, reason: a, expires: 2027-02-30}\n', /entry 1 \(GET-200\): expires "2027-02-30" is not a date \(YYYY-MM-DD\)$/],
    ['a date in another format', 'waivers:\n  - {rule: GET-200, reason: a, expires: 31.01.2027}\n', /expires "31.01.2027" is not a date/],
    ['an unknown key', 'waivers:\n  - {rule: GET-200, reason: a, until: 2027-01-01}\n', /entry 1 \(GET-200\): unknown key until \(known: rule, operation, reason, expires\)$/],
    ['an entry that is not a mapping', 'waivers:\n  - GET-200\n', /entry 1: not a mapping/],
    ['no waivers list', 'rule: GET-200\nreason: a\n', /must hold a list under "waivers:"/],
    ['neither YAML nor JSON', 'waivers: [unclosed\n', /is neither YAML nor JSON/],
  ])('%s: UsageError naming the option, the file and the entry', (_what, text, message) => {
    const name = file(text);
    expect(() => readWaivers(name, KNOWN)).toThrow(UsageError);
    expect(() => readWaivers(name, KNOWN)).toThrow(new RegExp(`^--waivers \\(GITLAB_CI_WAIVERS\\): ${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*`));
    expect(() => readWaivers(name, KNOWN)).toThrow(message);
  });

  test('a file that cannot be read', () => {
    expect(() => readWaivers(path.join(dir, 'missing.yaml'), KNOWN)).toThrow(/--waivers \(GITLAB_CI_WAIVERS\): cannot read .*missing.yaml: ENOENT/);
  });
});

describe('applyWaivers', () => {
  const check = (id: string, rule: string, operation: string, status: CheckResult['status']): CheckResult => ({ id, rule, operation, title: id, status, reason: status === 'failed' ? 'The API answered 404.' : undefined });
  const checks = [
    check('a', 'DELETE-IDEMPOTENT-REPEAT', 'DELETE /projects/{id}', 'failed'),
    check('b', 'DELETE-IDEMPOTENT-REPEAT', 'DELETE /runners/delete', 'failed'),
    check('c', 'GET-200', 'GET /projects', 'passed'),
    check('d', 'AUTH-USER-FORBIDDEN-403', 'PUT /projects/{id}', 'skipped'),
  ];
  const waiver = (w: Omit<Waiver, 'source'>): Waiver => ({ ...w, source: 'w.yaml, entry 1' });

  test('a failure a waiver matches (rule, and operation when given) is waived with the reason and the failure; the rest stay as they were', () => {
    const { checks: after, waivers } = applyWaivers(checks, [waiver({ rule: 'DELETE-IDEMPOTENT-REPEAT', operation: 'DELETE /projects/{id}', reason: 'known' })], '2026-05-01');
    expect(after.map((c) => c.status)).toEqual(['waived', 'failed', 'passed', 'skipped']);
    expect(after[0].reason).toBe('waived (w.yaml, entry 1): known. The check failed: The API answered 404.');
    expect(waivers).toEqual([expect.objectContaining({ state: 'applied', checks: ['a'] })]);
  });

  test('a waiver holds through its expiry date, and is ignored (expired) the day after', () => {
    const holds = applyWaivers(checks, [waiver({ rule: 'DELETE-IDEMPOTENT-REPEAT', reason: 'known', expires: '2026-05-01' })], '2026-05-01');
    expect(holds.checks.map((c) => c.status)).toEqual(['waived', 'waived', 'passed', 'skipped']);
    const expired = applyWaivers(checks, [waiver({ rule: 'DELETE-IDEMPOTENT-REPEAT', reason: 'known', expires: '2026-05-01' })], '2026-05-02');
    expect(expired.checks.map((c) => c.status)).toEqual(['failed', 'failed', 'passed', 'skipped']);
    expect(expired.waivers).toEqual([expect.objectContaining({ state: 'expired', checks: ['a', 'b'] })]);
  });

  test('a waiver whose checks passed is stale (the deviation is gone); one whose checks did not run is unused', () => {
    const { waivers } = applyWaivers(checks, [waiver({ rule: 'GET-200', reason: 'x' }), waiver({ rule: 'AUTH-USER-FORBIDDEN-403', reason: 'y' }), waiver({ rule: 'CONFLICT-409', reason: 'z' })], '2026-05-01');
    expect(waivers.map((w) => w.state)).toEqual(['stale', 'unused', 'unused']);
  });

  test('over the shards of a run (merge-reports): applied in any shard is applied, expired in any is expired, with the checks of all', () => {
    const waivers = [waiver({ rule: 'DELETE-IDEMPOTENT-REPEAT', reason: 'known' }), waiver({ rule: 'GET-200', reason: 'x' })];
    const shardA = applyWaivers(checks.slice(0, 1), waivers, '2026-05-01').waivers;
    const shardB = applyWaivers(checks.slice(1), waivers, '2026-05-01').waivers;
    expect(shardA.map((w) => w.state)).toEqual(['applied', 'unused']);
    expect(shardB.map((w) => w.state)).toEqual(['applied', 'stale']);
    expect(mergeWaiverOutcomes([shardA, shardB])).toEqual([
      expect.objectContaining({ rule: 'DELETE-IDEMPOTENT-REPEAT', state: 'applied', checks: ['a', 'b'] }),
      expect.objectContaining({ rule: 'GET-200', state: 'stale', checks: [] }),
    ]);
    expect(mergeWaiverOutcomes([undefined, undefined])).toBeUndefined();
  });
});
