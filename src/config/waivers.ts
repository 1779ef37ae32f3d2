// The waivers file (--waivers FILE / GITLAB_CI_WAIVERS): accepted deviations, in YAML or JSON (PRODUCT.md):
//   waivers:
//     - rule: DELETE-IDEMPOTENT-REPEAT          # a rule ID from `rules`
//       operation: DELETE /projects/{id}       # optional: only this operation
//       reason: known deviation, fixed in 2.3  # required
//       expires: 2027-01-31                    # optional: after this date the check fails again
// Read and checked here, before anything runs: a bad file is a one-line error naming the file and the
// entry (exit 2). What a waiver does to the results is src/report/waivers.ts.
import fs from 'node:fs';
import YAML from 'yaml';
import { UsageError } from '../errors';

export interface Waiver {
  rule: string;
  /** "METHOD /path" as the description names the operation; absent: every operation of the rule. */
  operation?: string;
  reason: string;
  /** YYYY-MM-DD: the last day the waiver holds. */
  expires?: string;
  /** Where it is written, for the reports: "waivers.yaml, entry 2". */
  source: string;
}

/** The waivers of a run and the file they come from. */
export interface Waivers {
  file: string;
  entries: Waiver[];
}

/** What a waiver may name: every rule ID, with the operations ("METHOD /path") that carry it. */
export type KnownRules = ReadonlyMap<string, readonly string[]>;


const KEYS = ['rule', 'operation', 'reason', 'expires'];
const OPTION = '--waivers (GITLAB_CI_WAIVERS)';

/** Reads and checks a waivers file; UsageError naming the file and the entry for anything wrong in it. */
export function readWaivers(file: string, known: KnownRules): Waivers {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${OPTION}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let parsed: unknown;
  try {
    // YAML 1.2 reads JSON too.
    parsed = YAML.parse(text);
  } catch (error) {
    throw new UsageError(`${OPTION}: ${file} is neither YAML nor JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const list = (parsed as { waivers?: unknown } | null)?.waivers;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Array.isArray(list)) {
    throw new UsageError(`${OPTION}: ${file} must hold a list under "waivers:" (each entry: rule, optional operation, reason, optional expires)`);
  }
  return { file, entries: list.map((entry, index) => waiverOf(entry, `${file}, entry ${index + 1}`, known)) };
}

function waiverOf(entry: unknown, source: string, known: KnownRules): Waiver {
  const fail = (problem: string): never => {
    const rule = (entry as { rule?: unknown } | null)?.rule;
    throw new UsageError(`${OPTION}: ${source}${typeof rule === 'string' ? ` (${rule})` : ''}: ${problem}`);
  };
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return fail('not a mapping of rule, operation, reason, expires');
  const e = entry as Record<string, unknown>;
  const unknownKeys = Object.keys(e).filter((k) => !KEYS.includes(k));
  if (unknownKeys.length) fail(`unknown key ${unknownKeys.join(', ')} (known: ${KEYS.join(', ')})`);
  if (typeof e.rule !== 'string' || !e.rule.trim()) fail('no rule');
  const rule = (e.rule as string).trim();
  const operations = known.get(rule);
  if (!operations) return fail(`unknown rule ID "${rule}" (see \`gitlab-ci-conformance rules\`)`);
  if (typeof e.reason !== 'string' || !e.reason.trim()) fail('no reason: every waiver says why the deviation is accepted');
  const operation = e.operation === undefined ? undefined : operationOf(e.operation, rule, operations, fail);
  const expires = e.expires === undefined ? undefined : dateOf(e.expires, fail);
  return { rule, ...(operation ? { operation } : {}), reason: (e.reason as string).trim(), ...(expires ? { expires } : {}), source };
}

function operationOf(value: unknown, rule: string, operations: readonly string[], fail: (problem: string) => never): string {
  const [method = '', path = ''] = typeof value === 'string' ? value.trim().split(/\s+/) : [];
  const label = `${method.toUpperCase()} ${path}`;
  if (!operations.includes(label)) fail(`${JSON.stringify(value)} is not an operation ${rule} applies to (${operations.join(', ')})`);
  return label;
}

function dateOf(value: unknown, fail: (problem: string) => never): string {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  const [year, month, day] = text.split('-').map(Number);
  const real = /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10) === text;
  if (!real) fail(`expires ${JSON.stringify(value)} is not a date (YYYY-MM-DD)`);
  return text;
}
