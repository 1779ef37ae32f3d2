// Where the spec files are and how they are read, without the OpenAPI validator (./load.ts brings it):
// the suites read the rule catalog at start-up, before they need the description.
import fs from 'node:fs';
import path from 'node:path';
// js-yaml for the spec, which is the product's own: ten times faster than `yaml`, which keeps to what
// needs its limits on hostile input (the server's .gitlab-ci.yml, a user's waivers).
import { load as parseYaml } from 'js-yaml';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { RuleCatalog } from './types';

export const SPEC_DIR = path.resolve(__dirname, '..', '..', 'spec');
export const DESCRIPTION_FILE = 'gitlab-ci-v1.openapi.yaml';
export const CATALOG_FILE = 'rules.yaml';

export function readYaml<T>(file: string): T {
  let parsed = parsedYaml.get(file);
  if (parsed === undefined) {
    parsed = parseYaml(fs.readFileSync(file, 'utf8'));
    parsedYaml.set(file, parsed);
  }
  // A copy: callers may change what they get.
  return structuredClone(parsed) as T;
}

/** The spec files are parsed once per process. */
const parsedYaml = new Map<string, unknown>();

/** The rule catalog from spec/. */
export function readCatalog(specDir = SPEC_DIR): RuleCatalog {
  return readYaml<RuleCatalog>(path.join(specDir, CATALOG_FILE));
}

/** The rule IDs each operation carries (x-conformance.rules, written inline), by operationId, from the description as written. */
export function readOperationRules(specDir = SPEC_DIR): Map<string, string[]> {
  const document = readYaml<OpenAPIV3_1.Document>(path.join(specDir, DESCRIPTION_FILE));
  const rules = new Map<string, string[]>();
  for (const item of Object.values(document.paths ?? {})) {
    for (const op of Object.values(item ?? {}) as Array<Record<string, unknown>>) {
      if (typeof op?.operationId !== 'string') continue;
      rules.set(op.operationId, (op['x-conformance'] as { rules?: string[] } | undefined)?.rules ?? []);
    }
  }
  return rules;
}
