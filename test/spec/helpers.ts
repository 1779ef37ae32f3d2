// Shared by the spec tests: the spec as parsed, the docs inventory, and mutated copies.
import fs from 'node:fs';
import path from 'node:path';
import type { OpenAPIV3_1 } from 'openapi-types';
import { buildDescription, readSpec } from '../../src/spec/load';
import type { DocsInventory } from '../../src/spec/lint';
import type { ApiDescription, RuleCatalog } from '../../src/spec/types';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const INVENTORY_FILE = path.join(REPO_ROOT, 'fixtures', 'api-docs-inventory.json');

export function readInventory(): DocsInventory {
  return JSON.parse(fs.readFileSync(INVENTORY_FILE, 'utf8')) as DocsInventory;
}

/** A fresh deep copy of the two parsed spec files, to mutate. */
export function rawSpec(): { document: OpenAPIV3_1.Document; catalog: RuleCatalog } {
  return structuredClone(readSpec());
}

/** Mutates a copy of the spec and builds the description from it. */
export async function mutated(
  mutate: (spec: { document: OpenAPIV3_1.Document & Record<string, unknown>; catalog: RuleCatalog }) => void,
): Promise<ApiDescription> {
  const spec = rawSpec();
  mutate(spec as never);
  return buildDescription(spec.document, spec.catalog);
}

/** The raw operation object of a copy, by method and path. */
export function rawOperation(document: OpenAPIV3_1.Document, method: string, p: string): OpenAPIV3_1.OperationObject & Record<string, unknown> {
  const item = document.paths?.[p] as Record<string, unknown> | undefined;
  const op = item?.[method.toLowerCase()];
  if (!op) throw new Error(`no ${method} ${p} in the description`);
  return op as OpenAPIV3_1.OperationObject & Record<string, unknown>;
}

/** x-conformance.rules of a raw operation (mutable). */
export function rawRules(document: OpenAPIV3_1.Document, method: string, p: string): string[] {
  return (rawOperation(document, method, p)['x-conformance'] as { rules: string[] }).rules;
}

/** The rules whose GitLab CI 8.0 data departs from strict (the cross runs of test/run/profiles.test.ts fail on exactly these). */
export const DEPARTING_UNDER_8_0 = [
  'AUTH-BEFORE-EXISTENCE',
  'AUTH-PROJECT-OTHER-PROJECT-403',
  'AUTH-USER-FORBIDDEN-403',
  'AUTH-USER-INVALID-401',
  'AUTH-USER-MISSING-401',
  'AUTH-USER-UNTRUSTED-URL-401',
  'AUTH-USER-WRONG-KIND-401',
  'CONFLICT-409',
  'DELETE-IDEMPOTENT-NEVER-EXISTED',
  'DELETE-IDEMPOTENT-REPEAT',
  'HOSTILE-INPUT-REJECTED',
  'UNPROCESSABLE-422',
];
