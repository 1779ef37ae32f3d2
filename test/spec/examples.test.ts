// Every example of the description (components.examples referenced from responses, and inline ones)
// validates against its schema with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1, with formats).
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { loadDescription } from '../../src/spec/load';
import { collectResponseExamples, lintExamples } from '../../src/spec/lint';
import type { ApiDescription } from '../../src/spec/types';
import { readInventory } from './helpers';

let description: ApiDescription;
beforeAll(async () => {
  description = await loadDescription();
});

// An Ajv of the test's own, independent of the one in src/spec/lint.ts (OpenAPI's x- keywords allowed).
function testAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

describe('response examples', () => {
  it('exist: the docs examples of every page, plus the error examples', () => {
    const examples = collectResponseExamples(description);
    const documented = readInventory().operations.flatMap((o) => o.examples ?? []);
    expect(documented.length).toBe(8);
    expect(examples.length).toBeGreaterThanOrEqual(documented.length);
  });

  it('each one matches its schema (Ajv 2020-12 + formats)', () => {
    const ajv = testAjv();
    const examples = collectResponseExamples(description);
    const failures: string[] = [];
    for (const ex of examples) {
      expect(ex.schema).toBeDefined();
      const validate = ajv.compile(ex.schema as object);
      if (!validate(ex.value)) failures.push(`${ex.where} ${ex.name}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(failures).toEqual([]);
  });

  it('every components.examples entry is used by a response (and so checked)', () => {
    expect(lintExamples(description)).toEqual([]);
  });

  it('date-time fields are checked as date-time: the schema refuses a date that is not one', () => {
    const ajv = testAjv();
    const ex = collectResponseExamples(description).find((e) => e.where === 'GET /commits 200 application/json')!;
    const broken = structuredClone(ex.value) as Array<Record<string, unknown>>;
    broken[0].created_at = 'yesterday';
    expect(ajv.validate(ex.schema as object, broken)).toBe(false);
  });

  it('nullable fields accept null and their type, nothing else', () => {
    const ajv = testAjv();
    const ex = collectResponseExamples(description).find((e) => e.where === 'GET /projects 200 application/json')!;
    const withInterval = structuredClone(ex.value) as Array<Record<string, unknown>>;
    withInterval[0].polling_interval = 60;
    expect(ajv.validate(ex.schema as object, withInterval)).toBe(true);
    withInterval[0].polling_interval = 'often';
    expect(ajv.validate(ex.schema as object, withInterval)).toBe(false);
  });
});
