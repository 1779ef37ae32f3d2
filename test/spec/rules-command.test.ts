// `gitlab-ci-conformance rules`: lists every rule ID with its operations, source and quote; --json too.
import { Command } from 'commander';
import { formatRules, registerRulesCommand, rulesListing, type RulesListing } from '../../src/cli/commands/rules';
import { loadDescription, operationLabel } from '../../src/spec/load';
import type { ApiDescription } from '../../src/spec/types';

let description: ApiDescription;
beforeAll(async () => {
  description = await loadDescription();
});

async function run(args: string[]): Promise<string> {
  const program = new Command('gitlab-ci-conformance').exitOverride();
  registerRulesCommand(program);
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'gitlab-ci-conformance', 'rules', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('rules command', () => {
  it('prints every rule ID, with its source, quote and operations', async () => {
    const out = await run([]);
    for (const rule of description.catalog.rules) {
      expect(out).toMatch(new RegExp(`^${rule.id}\\s`, 'm'));
      expect(out).toContain(`"${rule.source.quote}"`);
      expect(out).toContain(`section "${rule.source.section}"`);
    }
    expect(out).toContain(`${description.catalog.rules.length} rules`);
    expect(out).not.toContain('(no operation)');
  });

  it('--json prints the catalog with appliesTo', async () => {
    const listing = JSON.parse(await run(['--json'])) as RulesListing;
    expect(listing.rules.map((r) => r.id)).toEqual(description.catalog.rules.map((r) => r.id));
    const conflict = listing.rules.find((r) => r.id === 'CONFLICT-409')!;
    expect(conflict.appliesTo.sort()).toEqual(['POST /projects', 'PUT /projects/{id}']);
    expect(conflict.source).toEqual({ page: 'overview', section: 'Status codes', quote: expect.stringContaining('409') });
    for (const rule of listing.rules) {
      const expected = description.operations.filter((op) => op.rules.includes(rule.id)).map(operationLabel);
      expect(rule.appliesTo).toEqual(expected);
    }
  });

  it('prints how each profile departs from a rule, and the declared profiles with their descriptions', async () => {
    const out = await run([]);
    expect(out).toMatch(/^AUTH-USER-MISSING-401 [\s\S]*?\n\s+gitlab-ci-8\.0: a missing user token answered 403 \([^)]*\); on listProjects: 403; on listOwnedProjects: 403;/m);
    expect(out).toMatch(/^\s+gitlab-ci-8\.0: 404 \([^)]*\); on deleteRunner: 403 \(/m);
    expect(out).toMatch(/^profile strict: The documented contract/m);
    expect(out).toMatch(/^profile gitlab-ci-8\.0: How the original server/m);
    const listing = JSON.parse(await run(['--json'])) as RulesListing;
    expect(Object.keys(listing.profiles)).toEqual(['strict', 'gitlab-ci-8.0']);
  });

  it('formatRules marks a rule no operation uses', () => {
    const listing = rulesListing(description);
    listing.rules[0] = { ...listing.rules[0], appliesTo: [] };
    expect(formatRules(listing)).toContain('(no operation)');
  });
});
