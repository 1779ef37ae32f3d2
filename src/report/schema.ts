// The JSON Schema of report.json (spec/report.schema.json), for what reads reports back: merge-reports,
// and the project's tests.
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { SPEC_DIR } from '../spec/files';

let validate: ValidateFunction | undefined;

/** The schema's complaints about a report.json (empty: valid). */
export function reportSchemaErrors(report: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(SPEC_DIR, 'report.schema.json'), 'utf8')));
  }
  return validate(report) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
