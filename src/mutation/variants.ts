// Conforming variants: servers that differ from the reference server only in ways the docs allow. The
// suite must pass each with zero failures; a failure here is a false alarm of the suite.
import crypto from 'node:crypto';
import { CONFORMING_REWRITES } from '../faults/conforming';
import type { IdGenerator, TokenGenerator } from '../server';
import { seedStagingData } from './seed';
import type { TargetSpec } from './target';

export interface Variant {
  name: string;
  /** How it differs from the reference server, and why the docs allow it. */
  description: string;
  target: () => TargetSpec;
}

/** Unique ids spread over 10^5 .. 2*10^9 in no order (below 2^31 for clients with 32-bit ids). */
function scatteredIds(): IdGenerator {
  const used = { project: new Set<number>(), runner: new Set<number>(), commit: new Set<number>(), build: new Set<number>() };
  return (kind) => {
    for (;;) {
      const magnitude = 10 ** (5 + crypto.randomInt(5)); // 10^5 .. 10^9
      const id = magnitude + crypto.randomInt(Math.min(magnitude * 9, 1_000_000_000));
      if (!used[kind].has(id)) {
        used[kind].add(id);
        return id;
      }
    }
  };
}

/**
 * Tokens unlike the reference server's: longer and shorter, with prefixes and characters that need
 * escaping in a URL or a form (base64 '+', '/', '=').
 */
const OTHER_TOKENS: TokenGenerator = (kind) =>
  kind === 'project' ? `glpt-${crypto.randomBytes(33).toString('base64url')}` : `${crypto.randomBytes(10).toString('base64')}+/=`;

export const VARIANTS: readonly Variant[] = [
  {
    name: 'staging-data',
    description: 'already holds CI projects of another user and of the same user, runners (shared, specific, deleted) and commits with pending, running and finished builds',
    target: () => ({ seed: seedStagingData }),
  },
  {
    name: 'scattered-ids',
    description: 'ids of projects, runners, commits and builds are large and in no order',
    target: () => ({ ids: scatteredIds() }),
  },
  {
    name: 'other-tokens',
    description: 'project and runner tokens (and the registration token) of other lengths and alphabets',
    target: () => ({ tokens: OTHER_TOKENS, registrationToken: `reg+${crypto.randomBytes(12).toString('base64')}` }),
  },
  {
    name: 'extra-fields',
    description: 'every JSON object answered carries fields the docs do not name',
    target: () => ({ proxy: { rewrite: CONFORMING_REWRITES.extraFields } }),
  },
  {
    name: 'reversed-field-order',
    description: 'every JSON object answered lists its fields in reverse order',
    target: () => ({ proxy: { rewrite: CONFORMING_REWRITES.reversedFieldOrder } }),
  },
  {
    name: 'slow-100ms',
    description: 'every answer takes 100 ms longer',
    target: () => ({ proxy: { rewrite: CONFORMING_REWRITES.delay(100) } }),
  },
  {
    name: 'connection-close',
    description: 'the connection is closed after every response (Connection: close)',
    target: () => ({ proxy: { connectionClose: true } }),
  },
  {
    name: 'all-at-once',
    description: 'a staging server with all of the above but the latency: existing data, scattered ids, other tokens, extra fields in reverse order, Connection: close',
    target: () => ({
      seed: seedStagingData,
      ids: scatteredIds(),
      tokens: OTHER_TOKENS,
      registrationToken: `reg+${crypto.randomBytes(12).toString('base64')}`,
      proxy: {
        rewrite: async (request, response) => {
          const extended = (await CONFORMING_REWRITES.extraFields(request, response)) ?? response;
          return (await CONFORMING_REWRITES.reversedFieldOrder(request, extended)) ?? extended;
        },
        connectionClose: true,
      },
    }),
  },
];
