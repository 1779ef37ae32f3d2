// Where the spec files are and how they are read, without the OpenAPI validator (./load.ts brings it):
// the suites read the rule catalog at start-up, before they need the description.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { RuleCatalog } from './types';

export const SPEC_DIR = path.resolve(__dirname, '..', '..', 'spec');
export const DESCRIPTION_FILE = 'gitlab-ci-v1.openapi.yaml';
export const CATALOG_FILE = 'rules.yaml';

export function readYaml<T>(file: string): T {
  return YAML.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** The rule catalog from spec/. */
export function readCatalog(specDir = SPEC_DIR): RuleCatalog {
  return readYaml<RuleCatalog>(path.join(specDir, CATALOG_FILE));
}
