// report.html: one self-contained page a vendor can publish. What produced it (tool, description, run),
// a matrix of operations against rules (pass, fail, waived, skip at a glance; it fits a 1400 px window: the
// rule headers are rotated, the operation names wrap), then the failures, the waived failures and the
// skipped checks in their sections, what became of each waiver, in the report's order (suite file, operation, rule), each with a unique anchor, its doc
// sentence, and for a failure its replay and the exchanges as they went over the wire.
import type { EvidenceExchange } from './evidence';
import { exchangeText, sourceText } from './explain';
import type { CheckResult, CheckStatus } from './results';
import { waiverLine, type WaiverState } from './waivers';
import type { RunReport } from './write';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A cell shows the worst of its checks: a failure, else a waived failure, else a pass. */
function cellStatus(checks: CheckResult[]): CheckStatus {
  const order: CheckStatus[] = ['failed', 'waived', 'passed'];
  return order.find((status) => checks.some((c) => c.status === status)) ?? 'skipped';
}

const MARK: Record<CheckStatus, string> = { passed: '✓', failed: '✗', waived: 'W', skipped: '–' };

/** An expired waiver's checks fail again; a stale or unused one waived nothing. */
const WAIVER_CLASS: Record<WaiverState, string> = { applied: 'waived', expired: 'failed', stale: 'skipped', unused: 'skipped' };

/** A unique anchor per check, from its id (ids are unique; the suffix only guards against two that slug alike). */
function anchorsOf(checks: CheckResult[]): Map<CheckResult, string> {
  const taken = new Set<string>();
  const anchors = new Map<CheckResult, string>();
  for (const check of checks) {
    const base = `check-${check.id.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '')}`;
    let anchor = base;
    for (let n = 2; taken.has(anchor); n += 1) anchor = `${base}-${n}`;
    taken.add(anchor);
    anchors.set(check, anchor);
  }
  return anchors;
}

export function renderHtml(report: RunReport): string {
  const anchors = anchorsOf(report.checks);
  const failures = report.checks.filter((c) => c.status === 'failed');
  const skips = report.checks.filter((c) => c.status === 'skipped');
  const waived = report.checks.filter((c) => c.status === 'waived');
  const { passed, failed, skipped } = report.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>GitLab CI API v1 conformance: ${escape(report.target)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222;max-width:1600px}
code,pre{font:12px ui-monospace,monospace}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:0}dl.meta dt{color:#666}dl.meta dd{margin:0;overflow-wrap:anywhere}
table.matrix{border-collapse:collapse;table-layout:fixed}
.matrix td,.matrix th{border:1px solid #ddd;padding:0;text-align:center;font-size:12px}
.matrix td{width:21px;height:21px}.matrix td a{display:block;color:inherit;text-decoration:none}
.matrix th.op{text-align:left;width:15em;padding:2px 6px;font-weight:normal;overflow-wrap:break-word}
.matrix th.rule{height:15em;vertical-align:bottom;padding:4px 0;font-weight:normal}
.matrix th.rule span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
.passed{background:#e3f6e3;color:#1a6b1a}.failed{background:#fbe0e0;color:#a11}.skipped{background:#f0f0f0;color:#777}.waived{background:#fdf1d6;color:#8a5a00}
section>details{margin:.4em 0;padding:.3em .6em;border-left:4px solid #ccc;background:#fafafa}section>details.failed{border-color:#c33}section>details.waived{border-color:#d9a400}
summary{cursor:pointer}blockquote{margin:.4em 0;padding:.2em .8em;border-left:3px solid #bbb;color:#444}
pre{background:#f3f3f3;padding:.5em;white-space:pre-wrap;overflow-wrap:anywhere;max-height:30em;overflow-y:auto}
</style></head><body>
<h1>GitLab CI API v1 conformance</h1>
<dl class="meta">
<dt>Target</dt><dd><code>${escape(report.target)}</code></dd>
<dt>Profile</dt><dd>${escape(report.profile)}</dd>
<dt>Tool</dt><dd>${escape(report.tool.name)} ${escape(report.tool.version)}</dd>
<dt>Description</dt><dd>gitlab-ci-v1.openapi.yaml sha256 <code>${escape(report.description.sha256)}</code>, rules.yaml sha256 <code>${escape(report.description.rulesSha256)}</code></dd>
<dt>Run</dt><dd><code>${escape(report.runId)}</code>, started ${escape(report.startedAt)}, ${(report.durationMs / 1000).toFixed(1)} s${report.shard ? `, shard ${report.shard.index}/${report.shard.total}` : ''}${report.mergedFrom ? `, ${report.mergedFrom.length} shards merged` : ''}</dd>
<dt>Seed</dt><dd><code>${escape(String(report.seed))}</code> (<code>run --seed ${escape(String(report.seed))}</code> replays the generated inputs)</dd>
</dl>
<p><b class="passed">${passed} passed</b> · <b class="failed">${failed} failed</b> · <b class="waived">${report.summary.waived} waived</b> · <b class="skipped">${skipped} skipped</b>${report.interrupted ? ` · <b class="failed">interrupted: ${escape(report.interrupted)}</b>` : ''}</p>
${(report.notes ?? []).map((note) => `<p class="failed"><b>Note:</b> ${escape(note)}</p>`).join('\n')}
${report.leftBehind.length ? `<p class="failed">Left behind on the target (remove by hand): ${report.leftBehind.map(escape).join(', ')}</p>` : ''}
<h2>Operations × rules</h2>
${matrix(report.checks, anchors)}
<section id="failures"><h2>Failures (${failures.length})</h2>
${failures.map((c) => checkDetails(c, anchors.get(c)!)).join('\n') || '<p>None.</p>'}
</section>
<section id="waived"><h2>Waived failures (${waived.length})</h2>
${waived.map((c) => checkDetails(c, anchors.get(c)!)).join('\n') || '<p>None.</p>'}
</section>
<section id="skipped"><h2>Skipped checks (${skips.length})</h2>
${skips.map((c) => checkDetails(c, anchors.get(c)!)).join('\n') || '<p>None.</p>'}
</section>
${report.waivers ? `<section id="waivers"><h2>Waivers (${report.waivers.length})</h2>\n<ul>${report.waivers.map((w) => `<li class="${WAIVER_CLASS[w.state]}">${escape(waiverLine(w))}</li>`).join('')}</ul>\n</section>` : ''}
</body></html>
`;
}

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** "GET /projects/{id}" before "PUT /projects/{id}": by path, then by method. */
function byPathThenMethod(a: string, b: string): number {
  const [ma, pa = ''] = a.split(' ');
  const [mb, pb = ''] = b.split(' ');
  return pa.localeCompare(pb) || METHOD_ORDER.indexOf(ma) - METHOD_ORDER.indexOf(mb) || a.localeCompare(b);
}

/** Operations (rows, by path) × rules (columns, sorted); a cell links to its first check that did not pass. */
function matrix(checks: CheckResult[], anchors: Map<CheckResult, string>): string {
  const operations = [...new Set(checks.map((c) => c.operation))].sort(byPathThenMethod);
  const rules = [...new Set(checks.map((c) => c.rule))].sort();
  const byCell = new Map<string, CheckResult[]>();
  for (const c of checks) byCell.set(`${c.operation}\u0000${c.rule}`, [...(byCell.get(`${c.operation}\u0000${c.rule}`) ?? []), c]);
  const header = rules.map((r) => `<th class="rule" title="${escape(r)}"><span>${escape(r)}</span></th>`).join('');
  const rows = operations.map((op) => {
    const cells = rules.map((rule) => {
      const cell = byCell.get(`${op}\u0000${rule}`);
      if (!cell) return '<td></td>';
      const status = cellStatus(cell);
      const title = escape(cell.map((c) => `${c.status}: [${c.rule}] ${c.title}${c.reason ? ` (${c.reason})` : ''}`).join('\n'));
      const first = cell.find((c) => c.status !== 'passed');
      const mark = first ? `<a href="#${anchors.get(first)}">${MARK[status]}</a>` : MARK[status];
      return `<td class="${status}" title="${title}">${mark}</td>`;
    });
    // Long paths wrap after a slash, not inside a name.
    return `<tr><th class="op">${escape(op).replace(/\//g, '/<wbr>')}</th>${cells.join('')}</tr>`;
  });
  return `<table class="matrix"><thead><tr><th class="op"></th>${header}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function checkDetails(check: CheckResult, anchor: string): string {
  const [source, decision] = sourceText(check);
  const evidence = check.evidence;
  return `<details class="${check.status}" id="${anchor}"><summary>${MARK[check.status]} [${escape(check.rule)}] ${escape(check.operation)}: ${escape(check.title)} <a href="#${anchor}">#</a></summary>
<p>${escape(check.reason ?? '')}</p>
${source ? `<blockquote>${escape(source)}${decision ? `<br>${escape(decision)}` : ''}</blockquote>` : ''}
${check.suite ? `<p>From <code>${escape(check.suite)}</code>, check <code>${escape(check.id)}</code>.</p>` : ''}
${evidence?.curl ? `<p>Reproduce (secrets are environment variables: README, "Reproduce a failure"):</p><pre>${escape(evidence.curl)}</pre>` : ''}
${evidence ? `<p>The deciding exchange:</p>${exchangePre(evidence)}` : ''}
${evidence?.exchanges.length ? `<details><summary>The ${evidence.exchanges.length} exchange(s) before it</summary>${evidence.exchanges.map(exchangePre).join('')}</details>` : ''}
</details>`;
}

const exchangePre = (exchange: EvidenceExchange): string => `<pre>${escape(exchangeText(exchange))}</pre>`;
