// What every consumer test shares: the provider's name, a PactV4 that writes into a fresh temporary
// directory, the transport the typed clients use against the mock server, and the check that the pact a
// test run generates equals the one committed in contracts/pacts (so `npm test` fails when they drift).
//
// Regenerating the committed pacts after a deliberate change: `PACT_UPDATE=1 npx jest contracts`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// Deep imports: the package root also loads the provider Verifier, whose ESM-only proxy dependency Jest
// cannot load; the consumer DSL does not need it.
import { PactV4 } from '@pact-foundation/pact/src/v4';
import type { V4MockServer } from '@pact-foundation/pact/src/v4/http/types';
import type { V4RequestBuilder } from '@pact-foundation/pact/src/v4/http/types';
import * as MatchersV3 from '@pact-foundation/pact/src/v3/matchers';
import { SpecificationVersion } from '@pact-foundation/pact/src/v3/types';
import { makeConsumerPact } from '@pact-foundation/pact-core/src/consumer';
import { HttpClient } from '../../src/http/client';
import type { Transport } from '../../src/http/types';
import { comparePactFiles, PACTS_DIR, pactFileName } from '../../src/pact/files';
import { STATE } from '../../src/pact/state-names';

const PROVIDER = 'gitlab-ci-api';

/** The provider states most interactions start from, with the params the pacts record. */
export const GIVEN = {
  project: [STATE.project, { default_ref: 'master' }],
  runner: [STATE.runner, { tag_list: 'pact' }],
  pendingBuild: [STATE.pushed, { ref: 'master', tags: 'pact' }],
} as const;

export interface ConsumerPact {
  pact: PactV4;
  /** Where this run writes the pact (a fresh directory: Pact merges into an existing file). */
  dir: string;
  consumer: string;
}

export function consumerPact(consumer: string): ConsumerPact {
  process.env.PACT_DO_NOT_TRACK = 'true';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pact-${consumer}-`));
  const pact = new PactV4({ consumer, provider: PROVIDER, dir, spec: SpecificationVersion.SPECIFICATION_VERSION_V4, logLevel: 'error' });
  return { pact, dir, consumer };
}

/**
 * The project's single HTTP layer, pointed at the mock server's /api/v1. An answer is handed on once the
 * mock server has recorded its request as matched: on a busy machine it can answer first, and the test then
 * fails with "expected but not received" for a request that was answered (pact-foundation/pact-reference#535).
 */
export function transportFor(mock: V4MockServer): Transport {
  const client = new HttpClient({ baseUrl: `${mock.url}/api/v1`, timeoutMs: 5_000, concurrency: 4 });
  return {
    send: async (request) => {
      const response = await client.send(request);
      await matchRecorded(mock.port);
      return response;
    },
  };
}

/** Reads the mock servers' bookkeeping (by port); the pact it names is never written. */
let mockServers: ReturnType<typeof makeConsumerPact> | undefined;

/** Waits, up to a bound, until the mock server on `port` has every expected request recorded (a mismatch never is: Pact reports it). */
async function matchRecorded(port: number): Promise<void> {
  mockServers ??= makeConsumerPact('mock-server-bookkeeping', PROVIDER);
  for (let waited = 0; waited < 2_000 && !mockServers.mockServerMatchedSuccessfully(port); waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Compares the pact this run wrote with the committed one (ignoring the library versions in metadata);
 * with PACT_UPDATE=1 it replaces the committed one instead. Call from afterAll.
 */
export function checkAgainstCommitted(cp: ConsumerPact): void {
  const generated = path.join(cp.dir, pactFileName(cp.consumer, PROVIDER));
  const committed = path.join(PACTS_DIR, pactFileName(cp.consumer, PROVIDER));
  if (!fs.existsSync(generated)) throw new Error(`the consumer tests wrote no pact (${generated}): did a test fail?`);
  if (process.env.PACT_UPDATE === '1') {
    fs.mkdirSync(PACTS_DIR, { recursive: true });
    fs.copyFileSync(generated, committed);
  } else {
    const differences = comparePactFiles(committed, generated);
    if (differences.length > 0) {
      throw new Error(
        `contracts/pacts/${path.basename(committed)} differs from what the consumer tests generate:\n  ` +
          `${differences.join('\n  ')}\nIf the change is intended: PACT_UPDATE=1 npx jest contracts, then commit the pact.`,
      );
    }
  }
  fs.rmSync(cp.dir, { recursive: true, force: true });
}

/**
 * A form-encoded request body (like the Ruby runner sends) with matchers and provider-state values:
 * Pact's core turns the JSON description into a form body (pact_ffi form_urlencoded support); the
 * typed V4 builder only offers binary bodies for this content type, hence the reach into it.
 */
export function formBody(builder: V4RequestBuilder, body: Record<string, unknown>): void {
  const interaction = (builder as unknown as { interaction?: { withRequestBody(body: string, contentType: string): void } }).interaction;
  if (typeof interaction?.withRequestBody !== 'function') throw new Error('this Pact JS version does not expose withRequestBody; update formBody()');
  interaction.withRequestBody(JSON.stringify(body), 'application/x-www-form-urlencoded');
}

const { regex } = MatchersV3;

/** application/json, with or without a charset (tolerated by rule JSON-RESPONSE; the Go runner checks the type). */
export const JSON_CONTENT_TYPE = regex('^application/json(;\\s*charset=(utf|UTF)-8)?$', 'application/json');

/**
 * An ISO-8601 timestamp. A regex rather than datetime(format): providers legitimately differ in the
 * number of fractional digits and in how they write UTC (Z or +00:00).
 */
export function isoTimestamp(example = '2014-11-05T09:46:35.247Z'): ReturnType<typeof regex> {
  return regex('^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})$', example);
}

/** A git sha. */
export function sha(example = '65617dfc36761baa1f46a7006f2a88916f7f56cf'): ReturnType<typeof regex> {
  return regex('^[0-9a-f]{40}$', example);
}
