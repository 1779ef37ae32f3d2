// The description is valid OpenAPI 3.1 (checked by @apidevtools/swagger-parser) and every $ref resolves.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { buildDescription, loadDescription } from '../../src/spec/load';
import { rawOperation, rawSpec, readInventory } from './helpers';

function refsIn(value: unknown, into: string[] = [], seen = new Set<unknown>()): string[] {
  if (!value || typeof value !== 'object' || seen.has(value)) return into;
  seen.add(value);
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string') into.push(v);
    else refsIn(v, into, seen);
  }
  return into;
}

describe('spec/gitlab-ci-v1.openapi.yaml', () => {
  it('is declared as OpenAPI 3.1', () => {
    expect(rawSpec().document.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('validates as OpenAPI 3.1 with swagger-parser', async () => {
    await expect(SwaggerParser.validate(rawSpec().document as never)).resolves.toBeDefined();
  });

  it('loads through loadDescription() with as many operations as the docs inventory', async () => {
    const description = await loadDescription();
    expect(description.operations).toHaveLength(readInventory().operations.length);
  });

  it('uses $refs, and every one of them points into the document and resolves', async () => {
    const { document } = rawSpec();
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(ref).toMatch(/^#\//);
    const $refs = await SwaggerParser.resolve(structuredClone(document) as never);
    for (const ref of new Set(refs)) expect([ref, $refs.exists(ref, {})]).toEqual([ref, true]);
    const dereferenced = await SwaggerParser.dereference(structuredClone(document) as never);
    expect(refsIn(dereferenced)).toEqual([]);
  });

  describe('the validator really rejects invalid documents', () => {
    it('rejects responses that are not an object', async () => {
      const { document, catalog } = rawSpec();
      (rawOperation(document, 'GET', '/projects') as Record<string, unknown>).responses = 'none';
      await expect(buildDescription(document, catalog)).rejects.toThrow(/responses/);
    });

    it('rejects a parameter without "in"', async () => {
      const { document, catalog } = rawSpec();
      const op = rawOperation(document, 'GET', '/commits');
      delete (op.parameters![0] as Partial<OpenAPIV3_1.ParameterObject>).in;
      await expect(buildDescription(document, catalog)).rejects.toThrow();
    });

    it('rejects a path parameter that is not required', async () => {
      const { document, catalog } = rawSpec();
      (document.components!.parameters!.ProjectId as OpenAPIV3_1.ParameterObject).required = false;
      await expect(buildDescription(document, catalog)).rejects.toThrow();
    });

    it('rejects an unknown openapi version', async () => {
      const { document, catalog } = rawSpec();
      (document as { openapi: string }).openapi = '9.9.9';
      await expect(buildDescription(document, catalog)).rejects.toThrow();
    });

    it('rejects a $ref that does not resolve', async () => {
      const { document, catalog } = rawSpec();
      const op = rawOperation(document, 'GET', '/runners');
      (op.responses!['200'] as OpenAPIV3_1.ResponseObject).content!['application/json'].schema = {
        $ref: '#/components/schemas/NoSuchSchema',
      } as never;
      await expect(buildDescription(document, catalog)).rejects.toThrow(/NoSuchSchema/);
    });
  });
});
