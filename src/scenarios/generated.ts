// The generated checks: inputs from the description's schemas (GENERATED-VALID-ACCEPTED) and hostile values
// in every slot of a request (HOSTILE-INPUT-REJECTED), run as fast-check properties (src/properties). A
// failure is shrunk to its smallest input, which is then sent once more on a fresh arrangement: that
// replay is the check's evidence and curl reproduction.
import fc from 'fast-check';
import { failures, jsonResponse, notAServerError, statusConformance, type Exchange } from '../checks';
import { encodeForm, percentEncode } from '../http/encode';
import { removeParam, setParam, bodyOf } from '../http/request';
import type { ApiRequest, BodyEncoding } from '../http/types';
import { checkProperty, PropertyViolation, visible, type PropertyBudget, type PropertyOutcome } from '../properties/check';
import { describeHostile, hostileSpace, type Hostile } from '../properties/hostile';
import { inputSpace, withInput, type ValidInput } from '../properties/valid-input';
import { hostileStatus, slotsOf, type Slot } from '../spec/parameter-kinds';
import type { Prepared } from './arrange';
import { NotJudged, type CaseContext, type ExampleContext, type Scenario } from './context';
import { knowledgeOf } from './operations';

/**
 * Judges an answer (throws PropertyViolation): one of the statuses, JSON, and an error (every status
 * accepted a 4xx) says why in `message`; with no statuses (not judged under the profile), only never a 5xx.
 */
function expectAnswer(exchange: Exchange, statuses: number[] | undefined): void {
  const errorBody = statuses?.every((status) => status >= 400);
  const problems = statuses
    ? failures(
        statusConformance(exchange, statuses),
        jsonResponse(exchange),
        errorBody && typeof (exchange.response.body as { message?: unknown } | undefined)?.message !== 'string' ? 'The error body has no "message" string.' : undefined,
      )
    : failures(notAServerError(exchange));
  if (problems.length) throw new PropertyViolation(problems.join(' '));
}

/**
 * Runs a generated check: the property over `arbitrary`, then, when it failed, the shrunk input once more
 * (its exchanges the evidence). `attempt` sends one input in an example context and judges the answer.
 */
export async function generatedCheck<T>(
  ctx: CaseContext,
  arbitrary: fc.Arbitrary<T>,
  examples: T[],
  attempt: (example: ExampleContext, input: T, replay: boolean) => Promise<void>,
  describe: (input: T) => string,
  inputs: PropertyBudget['inputs'] = 'at-once',
): Promise<string[]> {
  const run = (input: T, replay = false) => ctx.example((example) => attempt(example, input, replay));
  // Each input in a scope of its own (src/properties/check.ts).
  const budget = { seed: ctx.config.seed, numRuns: ctx.config.examples, examples, inputs };
  const outcome: PropertyOutcome<T> = await checkProperty(ctx.spec.id, arbitrary, (input) => run(input), budget);
  if (!outcome.failed) return [];
  ctx.restartEvidence();
  const replay = await run(outcome.counterexample, true).then(
    () => `the replay of that input passed (the failure depends on state or timing); when it failed: ${outcome.problem}`,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  return [
    `Seed ${ctx.config.seed} (replay: --seed ${ctx.config.seed}): ${outcome.runs} input(s) tried, shrunk ${outcome.shrinks} time(s) to ${describe(outcome.counterexample)}. ${replay}`,
  ];
}

const generatedValid: Scenario = async (ctx) => {
  const knowledge = knowledgeOf(ctx.op.operationId).generation;
  if (!knowledge) throw new Error(`src/scenarios/operations.ts says nothing of what to generate for ${ctx.op.operationId}`);
  const space = inputSpace(ctx.op, knowledge);
  return generatedCheck(
    ctx,
    space.arbitrary,
    space.examples,
    async (example, input: ValidInput) => {
      fc.pre(space.allows(input));
      const prepared = await example.arrange();
      expectAnswer(await example.send(withInput(prepared.request, input, ctx.op, knowledge)), ctx.spec.expect);
    },
    (input) => `the input ${visible(input)}`,
  );
};

interface HostileInput {
  hostile: Hostile;
  encoding: BodyEncoding;
}

/** The value a slot holds in an arranged request (the valid value a hostile one replaces). */
function validValueOf(ctx: CaseContext, prepared: Prepared, slot: Slot): unknown {
  if (slot.kind === 'user-token') return ctx.config.privateToken;
  if (slot.in === 'path') return prepared.pathParams[slot.name];
  if (slot.in === 'query') return prepared.request.query?.[slot.name];
  return bodyOf(prepared.request)[slot.name];
}

/** Bytes of a percent-encoded text (the bytes a JSON body or a header carries as they are). */
function percentDecodedBytes(text: string): Buffer {
  return Buffer.from(text.replace(/%([0-9A-Fa-f]{2})|([^%]|%)/g, (_m, hex: string | undefined, other: string) => (hex ? String.fromCharCode(parseInt(hex, 16)) : other)), 'latin1');
}

/** A stray % is only wrong in a percent-encoding: as bytes of a JSON body it is text. */
const carried = ({ hostile, encoding }: HostileInput): boolean => encoding !== 'json' || hostile.encoded === undefined || !/%(?![0-9A-Fa-f]{2})/.test(hostile.encoded);

const PLACEHOLDER = 'conformance-hostile-bytes';

/** A JSON body whose attribute `name` holds raw bytes (not UTF-8) inside a JSON string. */
function jsonWithBytes(body: Record<string, unknown>, name: string, bytes: Buffer): Buffer {
  const [before, after] = JSON.stringify({ ...body, [name]: PLACEHOLDER }).split(`"${PLACEHOLDER}"`);
  return Buffer.concat([Buffer.from(`${before}"`), bytes, Buffer.from(`"${after}`)]);
}

function withHostileBody(request: ApiRequest, slot: Slot, { hostile, encoding }: HostileInput): ApiRequest {
  if (hostile.encoded === undefined) return { ...setParam(request, 'body', slot.name, hostile.value), encoding };
  const rest = bodyOf(removeParam(request, 'body', slot.name));
  if (encoding === 'form') {
    const rawBody = [encodeForm(rest), `${percentEncode(slot.name)}=${hostile.encoded}`].filter(Boolean).join('&');
    return { ...request, rawBody, contentType: 'application/x-www-form-urlencoded' };
  }
  return { ...request, rawBody: jsonWithBytes(rest, slot.name, percentDecodedBytes(hostile.encoded)), contentType: 'application/json' };
}

/** The arranged request with the hostile value in the slot (the user token in one form only). */
function withHostile(prepared: Prepared, slot: Slot, input: HostileInput): ApiRequest {
  const { hostile } = input;
  const request = prepared.request;
  switch (slot.in) {
    case 'path': {
      const segment = hostile.encoded ?? percentEncode(String(hostile.value));
      return { ...request, path: prepared.pathTemplate.replace(/\{(\w+)\}/g, (_, name: string) => (name === slot.name ? segment : String(prepared.pathParams[name]))) };
    }
    case 'query': {
      const bare = removeParam(slot.kind === 'user-token' ? removeParam(request, 'header', 'PRIVATE-TOKEN') : request, 'query', slot.name);
      return hostile.encoded !== undefined ? { ...bare, rawQuery: `${percentEncode(slot.name)}=${hostile.encoded}` } : setParam(bare, 'query', slot.name, String(hostile.value));
    }
    case 'header':
      return setParam(removeParam(request, 'query', 'private_token'), 'header', slot.name, hostile.encoded !== undefined ? percentDecodedBytes(hostile.encoded).toString('latin1') : String(hostile.value));
    case 'body':
      return withHostileBody(request, slot, input);
  }
}

const hostileInput: Scenario = async (ctx) => {
  const slot = slotsOf(ctx.op).find((s) => s.name === ctx.spec.params.slot && s.in === ctx.spec.params.in);
  const statuses = ctx.rule.hostile;
  if (!slot || !statuses) throw new Error(`${ctx.op.operationId} has no slot ${String(ctx.spec.params.slot)} (${String(ctx.spec.params.in)}), or ${ctx.rule.id} no hostile statuses`);
  // One arrangement for the catalog and the random values (a refused request changes nothing); the
  // catalog is sent at once.
  const prepared = await ctx.arrange();
  const space = hostileSpace(slot, validValueOf(ctx, prepared, slot));
  const encodings: BodyEncoding[] = slot.in === 'body' && ctx.op.requestContentTypes.includes('application/x-www-form-urlencoded') ? ['json', 'form'] : ['json'];
  const arbitrary = fc.record({ hostile: space.arbitrary, encoding: fc.constantFrom(...encodings) }).filter(carried);
  const examples = space.examples.map((hostile, i) => ({ hostile, encoding: encodings[i % encodings.length] })).map((e) => (carried(e) ? e : { ...e, encoding: 'form' as const }));
  // The catalog's status for the value's kind; where another case owns that status (an unknown credential,
  // an unprocessable value), as the active profile expects that case's answer. Undefined: not judged.
  const expected = (input: HostileInput): number[] | undefined => {
    const strict = hostileStatus(statuses, ctx.op, slot, input.hostile.category);
    const owner = ctx.spec.owners?.[strict];
    if (!owner) return [strict];
    try {
      return ctx.expected(owner);
    } catch (error) {
      if (error instanceof NotJudged) return undefined;
      throw error;
    }
  };
  const send = async (example: ExampleContext, input: HostileInput, replay: boolean) => {
    const accepted = expected(input);
    // The replay of a shrunk input gets an arrangement of its own, for its evidence; so does a value the
    // profile lets through (it changes the arrangement).
    const refused = accepted?.every((status) => status >= 400) === true;
    const on = replay || !refused ? await example.arrange() : prepared;
    expectAnswer(await example.send(withHostile(on, slot, input)), accepted);
  };
  return generatedCheck(
    ctx,
    arbitrary,
    examples,
    send,
    (input) => `${describeHostile(slot, input.hostile)}${slot.in === 'body' ? ` in a ${input.encoding} body` : ''}`,
  );
};

export const GENERATED_SCENARIOS = {
  'generated-valid': generatedValid,
  'hostile-input': hostileInput,
};
