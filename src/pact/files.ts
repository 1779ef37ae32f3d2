// Where the Pact contracts live and how they are read: contracts/pacts/*.json (Pact specification V4),
// written by the consumer tests in contracts/consumers and committed. Read by provider verification
// (verify.ts) and by the contract-vs-description check (contract-vs-spec.ts).
import fs from 'node:fs';
import path from 'node:path';

export const PACTS_DIR = path.resolve(__dirname, '..', '..', 'contracts', 'pacts');

export function pactFileName(consumer: string, provider: string): string {
  return `${consumer}-${provider}.json`;
}

export interface PactBody {
  content?: unknown;
  contentType?: string;
  encoded?: boolean | string;
}

export interface PactRequest {
  method: string;
  path: string;
  query?: Record<string, string[]>;
  headers?: Record<string, string[]>;
  body?: PactBody;
  matchingRules?: Record<string, unknown>;
  generators?: Record<string, unknown>;
}

export interface PactResponse {
  status: number;
  headers?: Record<string, string[]>;
  body?: PactBody;
  matchingRules?: Record<string, unknown>;
}

export interface PactInteraction {
  type: string;
  description: string;
  providerStates?: Array<{ name: string; params?: Record<string, unknown> }>;
  request: PactRequest;
  response: PactResponse;
  [key: string]: unknown;
}

export interface PactFile {
  consumer: { name: string };
  provider: { name: string };
  interactions: PactInteraction[];
  metadata?: Record<string, unknown>;
}

export interface LoadedPact {
  file: string;
  pact: PactFile;
}

function readPact(file: string): PactFile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PactFile;
}

/** Every pact of a directory, in file-name order. */
export function loadPacts(dir = PACTS_DIR): LoadedPact[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: path.join(dir, f), pact: readPact(path.join(dir, f)) }));
}

/** A pact without what varies between machines and library versions (metadata.pactRust, metadata.pactJs). */
function normalizePact(pact: PactFile): PactFile {
  const metadata = { ...(pact.metadata ?? {}) };
  delete metadata.pactRust;
  delete metadata.pactJs;
  return { ...pact, metadata };
}

/** How two pact files differ, one line per difference; empty when they are the same contract. */
export function comparePactFiles(committedFile: string, generatedFile: string): string[] {
  if (!fs.existsSync(committedFile)) return [`${path.basename(committedFile)} is not committed`];
  return comparePacts(readPact(committedFile), readPact(generatedFile));
}

export function comparePacts(committed: PactFile, generated: PactFile): string[] {
  const a = normalizePact(committed);
  const b = normalizePact(generated);
  const out: string[] = [];
  const byDescription = (p: PactFile) => new Map(p.interactions.map((i) => [i.description, i]));
  const before = byDescription(a);
  const after = byDescription(b);
  for (const [description, interaction] of after) {
    const old = before.get(description);
    if (!old) out.push(`new interaction: "${description}"`);
    else if (stable(old) !== stable(interaction)) out.push(`changed interaction: "${description}"`);
  }
  for (const description of before.keys()) if (!after.has(description)) out.push(`removed interaction: "${description}"`);
  if (out.length === 0 && stable(a) !== stable(b)) out.push('the pact differs outside its interactions (consumer, provider, metadata or order)');
  return out;
}

/** JSON with sorted keys, so that key order never counts as a difference. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
