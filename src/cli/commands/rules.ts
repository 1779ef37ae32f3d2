// `gitlab-ci-conformance rules`: every rule of spec/rules.yaml with the doc sentence it derives from and
// the operations it applies to (from x-conformance.rules of spec/gitlab-ci-v1.openapi.yaml).
import type { Command } from 'commander';
import type { ApiDescription, ProfileDeparture, ProfileOverride, Rule, RuleCatalog } from '../../spec/types';

/** A rule of the catalog with the operations ("METHOD /path") that list it. */
export type RuleWithOperations = Rule & { appliesTo: string[] };

export interface RulesListing {
  version: RuleCatalog['version'];
  sources: RuleCatalog['sources'];
  profiles: RuleCatalog['profiles'];
  rules: RuleWithOperations[];
}

/** The catalog with appliesTo on every rule, in catalog order. */
export function rulesListing(description: ApiDescription): RulesListing {
  const appliesTo = new Map<string, string[]>();
  for (const op of description.operations) {
    for (const id of op.rules) appliesTo.set(id, [...(appliesTo.get(id) ?? []), `${op.method} ${op.path}`]);
  }
  const { version, sources, profiles, rules } = description.catalog;
  return { version, sources, profiles, rules: rules.map((r) => ({ ...r, appliesTo: appliesTo.get(r.id) ?? [] })) };
}

/** Readable text: one block per rule (ID, family, title, operations, source, quote). */
export function formatRules(listing: RulesListing): string {
  const lines: string[] = [];
  const width = Math.max(...listing.rules.map((r) => r.id.length));
  for (const rule of listing.rules) {
    const kind = [rule.family, rule.auth, rule.expect?.length ? `expects ${rule.expect.join('/')}` : undefined]
      .filter(Boolean)
      .join(', ');
    lines.push(`${rule.id.padEnd(width)}  ${rule.title}`);
    const indent = ' '.repeat(width + 2);
    lines.push(`${indent}kind:       ${kind}`);
    lines.push(`${indent}applies to: ${rule.appliesTo.length ? rule.appliesTo.join(', ') : '(no operation)'}`);
    const file = listing.sources?.[rule.source.page];
    lines.push(`${indent}source:     ${rule.source.page}, section "${rule.source.section}"${file ? ` (${file})` : ''}`);
    lines.push(`${indent}quote:      "${rule.source.quote}"`);
    for (const [profile, entry] of Object.entries(rule.profiles ?? {})) lines.push(`${indent}${profile}: ${departureText(entry)}`);
    lines.push('');
  }
  lines.push(`${listing.rules.length} rules`);
  for (const [name, { description }] of Object.entries(listing.profiles ?? {})) lines.push(`profile ${name}: ${description.trim()}`);
  return `${lines.join('\n')}\n`;
}

/** How a profile departs from a rule, in one line: "403", "per operation: updateProject 401, ...", with the note. */
function departureText(entry: ProfileOverride): string {
  const one = (d: ProfileDeparture) => `${d.skip ? 'not judged' : d.succeeds ? 'succeeds' : String(d.status)}${d.note ? ` (${d.note})` : ''}`;
  const own = entry.status || entry.succeeds || entry.skip ? [one(entry)] : entry.note ? [entry.note] : [];
  return [
    ...own,
    ...Object.entries(entry.operations ?? {}).map(([op, d]) => `on ${op}: ${one(d)}`),
    ...Object.entries(entry.variants ?? {}).map(([variant, d]) => `${variant}: ${one(d)}`),
  ].join('; ');
}

export function registerRulesCommand(program: Command): void {
  program
    .command('rules')
    .description('every rule ID with the doc sentence it derives from and the operations it applies to')
    .option('--json', 'print the rule catalog, each rule with appliesTo, as JSON')
    .action(async (options: { json?: boolean }) => {
      const { loadDescription } = await import('../../spec/load');
      const listing = rulesListing(await loadDescription());
      process.stdout.write(options.json ? `${JSON.stringify(listing, null, 2)}\n` : formatRules(listing));
    });
}
