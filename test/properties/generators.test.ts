// The generators of src/properties against an independent judge: every valid input they generate, put in a
// request the way the checks do, validates against the operation's request schema (Ajv, JSON Schema
// 2020-12); every hostile content value of the catalog is refused by the schema of its slot; a failing
// property is shrunk to its smallest input; the seed of a check depends on the run's seed and the check only.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { checkProperty, checkSeed, PropertyViolation } from '../../src/properties/check';
import { hostileSpace } from '../../src/properties/hostile';
import { exampleOf } from '../../src/properties/schema-arbitrary';
import { inputSpace, withInput } from '../../src/properties/valid-input';
import { OPERATIONS } from '../../src/scenarios/operations';
import { loadDescription } from '../../src/spec/load';
import { slotsOf } from '../../src/spec/parameter-kinds';
import type { ApiDescription, Operation } from '../../src/spec/types';

let description: ApiDescription;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
beforeAll(async () => {
  description = await loadDescription();
});

const generated = () => description.operations.filter((op) => op.rules.includes('GENERATED-VALID-ACCEPTED'));
const knowledge = (op: Operation) => (OPERATIONS as Record<string, { generation?: object }>)[op.operationId].generation ?? {};

describe('valid inputs', () => {
  test('every operation with GENERATED-VALID-ACCEPTED says what stays as arranged', () => {
    expect(generated().map((op) => op.operationId).filter((id) => !(OPERATIONS as Record<string, { generation?: object }>)[id].generation)).toEqual([]);
    expect(generated().length).toBe(8);
  });

  test('what the generators make, in a request as the checks build it, validates against the request schema', () => {
    for (const op of generated()) {
      const space = inputSpace(op, knowledge(op));
      const arranged = { method: op.method, path: op.path, body: op.requestBodySchema && exampleOf(op.requestBodySchema, 'smallest') };
      const validate = ajv.compile(op.requestBodySchema ?? { type: 'object' });
      const inputs = [...space.examples, ...fc.sample(space.arbitrary, { numRuns: 60, seed: 7 })];
      const invalid = inputs
        .map((input) => withInput(arranged, input, op, knowledge(op)))
        .filter((request) => request.body !== undefined && !validate(request.body))
        .map((request) => `${op.operationId}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(request.body).slice(0, 200)}`);
      expect(invalid).toEqual([]);
      expect(inputs.every((input) => space.allows(input))).toBe(true);
    }
  });

  test('the richest example carries NUL, control characters and a character outside the BMP; inputs come in both encodings', () => {
    const op = description.operations.find((o) => o.operationId === 'createProject') as Operation;
    const space = inputSpace(op, knowledge(op));
    expect(JSON.stringify(space.examples[1].body)).toMatch(/\\u0000.*😀/);
    expect(new Set(fc.sample(space.arbitrary, { numRuns: 40, seed: 3 }).map((i) => i.encoding))).toEqual(new Set(['json', 'form']));
  });
});

describe('hostile values', () => {
  test('every content value of the catalog in a body slot of a checked kind is refused by the slot schema', () => {
    const accepted: string[] = [];
    for (const op of description.operations) {
      for (const slot of slotsOf(op).filter((s) => s.in === 'body' && ['integer', 'enum', 'blank'].includes(s.kind))) {
        const validate = ajv.compile(slot.schema);
        for (const hostile of hostileSpace(slot, 'valid').examples.filter((h) => h.category === 'content')) {
          if (validate(hostile.value)) accepted.push(`${op.operationId} ${slot.name}: ${JSON.stringify(hostile.value)}`);
        }
      }
    }
    expect(accepted).toEqual([]);
  });

  test('a credential slot gets the real credential spoiled, and an encoding that is not UTF-8', () => {
    const op = description.operations.find((o) => o.operationId === 'listCommits') as Operation;
    const slot = slotsOf(op).find((s) => s.name === 'project_token') as ReturnType<typeof slotsOf>[number];
    const values = hostileSpace(slot, 'the-token').examples;
    expect(values.map((h) => h.value)).toEqual(expect.arrayContaining(['the-token\u0000', 'the-tokené', '', '😀']));
    expect(values.some((h) => h.encoded === '%FF')).toBe(true);
  });
});

describe('properties', () => {
  test('a failing property is shrunk to its smallest input, the same for the same seed', async () => {
    const holds = async (s: string) => {
      if (s.includes('x')) throw new PropertyViolation(`contains x: ${s}`);
    };
    const budget = { seed: 11, numRuns: 50, examples: ['abcxyz'] };
    const outcome = await checkProperty('check-a', fc.string(), holds, budget);
    expect(outcome).toMatchObject({ failed: true, counterexample: 'x', problem: 'contains x: x' });
    expect(await checkProperty('check-a', fc.string(), holds, budget)).toEqual(outcome);
  });

  test('a failing random input is shrunk with what generated it (a mapped value, which cannot shrink from itself)', async () => {
    const holds = async ({ n }: { n: number }) => {
      if (n >= 10) throw new PropertyViolation(`too big: ${n}`);
    };
    const outcome = await checkProperty('check-b', fc.nat(1000).map((n) => ({ n })), holds, { seed: 5, numRuns: 40 });
    expect(outcome).toMatchObject({ failed: true, counterexample: { n: 10 }, problem: 'too big: 10' });
  });

  test('every input of a property is in flight at once while none fails', async () => {
    let inFlight = 0;
    let most = 0;
    const holds = async () => {
      most = Math.max(most, (inFlight += 1));
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
    };
    const outcome = await checkProperty('check-c', fc.integer(), holds, { seed: 3, numRuns: 7, examples: [1, 2, 3] });
    expect(outcome).toEqual({ failed: false, runs: 10 });
    expect(most).toBe(10);
  });

  test('a check seed depends on the run seed and the check id only', () => {
    expect(checkSeed(1, 'a')).toBe(checkSeed(1, 'a'));
    expect(new Set([checkSeed(1, 'a'), checkSeed(2, 'a'), checkSeed(1, 'b')]).size).toBe(3);
    expect(checkSeed(0x7fffffff, 'x')).toBeLessThanOrEqual(0x7fffffff);
  });
});
