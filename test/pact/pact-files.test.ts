// The committed pacts are what the consumer tests generate: each consumer test compares the pact it
// wrote (in a temporary directory) with contracts/pacts in its afterAll and fails on any difference.
// Here: that comparison itself, and that every committed pact has the consumer test that makes it.
import fs from 'node:fs';
import path from 'node:path';
import { comparePacts, loadPacts, PACTS_DIR, type PactFile } from '../../src/pact/files';

const committed = loadPacts();

describe('committed pacts', () => {
  it('each comes from a consumer test in contracts/consumers', () => {
    expect(committed.length).toBeGreaterThan(0);
    for (const { pact, file } of committed) {
      expect(path.basename(file)).toBe(`${pact.consumer.name}-${pact.provider.name}.json`);
      expect(fs.existsSync(path.join(PACTS_DIR, '..', 'consumers', `${pact.consumer.name}.pact.test.ts`))).toBe(true);
    }
  });

  it('the comparison ignores the library versions in the metadata', () => {
    const pact = committed[0].pact;
    const other: PactFile = structuredClone(pact);
    other.metadata = { ...other.metadata, pactRust: { ffi: '9.9.9' }, pactJs: { version: '99.0.0' } };
    expect(comparePacts(pact, other)).toEqual([]);
  });

  it('the comparison reports a changed, a new and a removed interaction', () => {
    const pact = committed[0].pact;
    const other: PactFile = structuredClone(pact);
    other.interactions[0].response.status = 599;
    const removed = other.interactions.pop()!;
    other.interactions.push({ ...structuredClone(removed), description: 'something new' });
    expect(comparePacts(pact, other)).toEqual([
      `changed interaction: "${pact.interactions[0].description}"`,
      'new interaction: "something new"',
      `removed interaction: "${removed.description}"`,
    ]);
  });
});
