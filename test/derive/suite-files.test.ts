// One suite file per tag of the description, in the order of its tags list: an operation whose tag is
// not listed must fail the generation, never drop out of the run unnoticed.
import fs from 'node:fs';
import path from 'node:path';
import { deriveSuites } from '../../src/derive/cases';
import { renderSuites, SUITES_DIR } from '../../src/generate/suites';
import { knowledgeOf } from '../../src/scenarios/operations';
import { loadDescription } from '../../src/spec/load';
import type { ApiDescription } from '../../src/spec/types';
import { mutated, rawOperation } from '../spec/helpers';

let description: ApiDescription;
beforeAll(async () => {
  description = await loadDescription();
});

describe('suite files', () => {
  it('every tag of the description has its suite file, in the order of the tags list, with all its operations', () => {
    const tags = (description.document.tags ?? []).map((t) => t.name);
    expect(tags.length).toBeGreaterThan(0);
    const suites = deriveSuites(description, knowledgeOf);
    expect(suites.map((s) => s.tag)).toEqual(tags);
    expect(suites.flatMap((s) => s.operations.map((o) => o.operationId)).sort()).toEqual(description.operations.map((o) => o.operationId).sort());
    for (const file of renderSuites(description).keys()) expect([file, fs.existsSync(path.join(SUITES_DIR, file))]).toEqual([file, true]);
  });

  it('an operation whose tag is not in the tags list fails the generation, naming it', async () => {
    const retagged = await mutated(({ document }) => {
      rawOperation(document, 'POST', '/forks').tags = ['fork'];
    });
    expect(() => deriveSuites(retagged, knowledgeOf)).toThrow(/createFork \(fork\) is not in the description's tags list/);
  });

  it('a listed tag without operations fails the generation, naming it', async () => {
    const empty = await mutated(({ document }) => {
      document.tags = [...(document.tags ?? []), { name: 'pipelines' }];
    });
    expect(() => deriveSuites(empty, knowledgeOf)).toThrow(/tag pipelines has no operation/);
  });
});
