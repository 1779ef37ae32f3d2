// report.html: one self-contained page a vendor can publish. A matrix of operations against rules
// (pass, fail, skip at a glance), then every failure with its evidence, expandable.
import type { CheckResult } from './results';
import type { RunReport } from './write';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function cellStatus(checks: CheckResult[]): 'failed' | 'passed' | 'skipped' {
  if (checks.some((c) => c.status === 'failed')) return 'failed';
  return checks.some((c) => c.status === 'passed') ? 'passed' : 'skipped';
}

const MARK = { passed: '✓', failed: '✗', skipped: '–' } as const;

export function renderHtml(report: RunReport): string {
  const operations = [...new Set(report.checks.map((c) => c.operation))];
  const rules = [...new Set(report.checks.map((c) => c.rule))];
  const byCell = new Map<string, CheckResult[]>();
  for (const c of report.checks) {
    const key = `${c.operation}\u0000${c.rule}`;
    byCell.set(key, [...(byCell.get(key) ?? []), c]);
  }
  const header = rules.map((r) => `<th class="rule"><a href="#${escape(r)}"><span>${escape(r)}</span></a></th>`).join('');
  const rows = operations
    .map((op) => {
      const cells = rules
        .map((rule) => {
          const checks = byCell.get(`${op}\u0000${rule}`);
          if (!checks) return '<td></td>';
          const status = cellStatus(checks);
          const title = checks.map((c) => `${c.status}: ${c.title}${c.reason ? ` (${c.reason})` : ''}`).join('\n');
          return `<td class="${status}" title="${escape(title)}">${MARK[status]}</td>`;
        })
        .join('');
      return `<tr><th>${escape(op)}</th>${cells}</tr>`;
    })
    .join('\n');
  const details = report.checks
    .filter((c) => c.status !== 'passed')
    .map(
      (c) => `<details class="${c.status}" id="${escape(c.rule)}"><summary>${MARK[c.status]} [${escape(c.rule)}] ${escape(c.operation)}: ${escape(c.title)}</summary>
<p>${escape(c.reason ?? '')}</p>${c.evidence ? `<pre>${escape(JSON.stringify(c.evidence, null, 2))}</pre>` : ''}</details>`,
    )
    .join('\n');
  const { passed, failed, skipped } = report.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GitLab CI API v1 conformance: ${escape(report.target)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:center}
th{text-align:left;white-space:nowrap}th.rule{height:14em;vertical-align:bottom}
th.rule span{writing-mode:vertical-rl;transform:rotate(180deg)}
.passed{background:#e3f6e3;color:#1a6b1a}.failed{background:#fbe0e0;color:#a11}.skipped{background:#f0f0f0;color:#777}
details{margin:.3em 0;padding:.3em;border-left:4px solid #ccc}details.failed{border-color:#c33}
pre{background:#f7f7f7;padding:.5em;overflow:auto;max-height:30em}
</style></head><body>
<h1>GitLab CI API v1 conformance</h1>
<p>Target <code>${escape(report.target)}</code> · profile <b>${escape(report.profile)}</b> · started ${escape(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s</p>
<p><b class="passed">${passed} passed</b> · <b class="failed">${failed} failed</b> · <b class="skipped">${skipped} skipped</b>${report.interrupted ? ` · <b class="failed">interrupted: ${escape(report.interrupted)}</b>` : ''}</p>
${report.leftBehind.length ? `<p class="failed">Left behind on the target (remove by hand): ${report.leftBehind.map(escape).join(', ')}</p>` : ''}
<h2>Operations × rules</h2>
<table><thead><tr><th></th>${header}</tr></thead><tbody>
${rows}
</tbody></table>
<h2>Failures and skipped checks</h2>
${details || '<p>None.</p>'}
</body></html>
`;
}
