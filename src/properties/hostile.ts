// Values the description does not allow, per kind of parameter (src/spec/parameter-kinds.ts): a fixed
// catalog tried every run (wrong type, out of range, beyond 2^31 and 2^53, not a number, empty, very long,
// non-ASCII, NUL and control characters, characters outside the BMP, percent-encodings that are not UTF-8,
// the real credential with one of these) and fast-check arbitraries for random ones beyond it.
import fc from 'fast-check';
import type { HostileCategory, Slot } from '../spec/parameter-kinds';
import { visible } from './check';
import { CODE_POINT, textOf, URL_TEXT } from './schema-arbitrary';

export interface Hostile {
  category: HostileCategory;
  /** What goes in the slot: text in a path, query or header (encoded by the client), any JSON value in a body. */
  value?: unknown;
  /** Percent-encoded bytes that are not UTF-8, sent as they are (in a JSON body or a header: the bytes themselves). */
  encoded?: string;
}

export interface HostileSpace {
  examples: Hostile[];
  arbitrary: fc.Arbitrary<Hostile>;
}

/** Where the slot's value travels, and how long a "very long" value is there. */
const LONG = { path: 200, query: 2_000, header: 4_000, body: 100_000 } as const;

/** Percent-encodings that decode to no UTF-8 text: a byte no UTF-8 has, a broken sequence, a lone surrogate, a stray %. */
const NOT_UTF8 = ['%FF', 'x%C3%28', '%ED%A0%80', 'x%'];

/** Another JSON type, where a value is read from the input. */
const WRONG_TYPE = { conformance: ['an object where a value belongs'] };

const content = (value: unknown): Hostile => ({ category: 'content', value });
const unreadable = (value: unknown): Hostile => ({ category: 'unreadable', value });
const encoded = (text: string): Hostile => ({ category: 'unreadable', encoded: text });

/** A valid text with a tab inserted after its first character past the scheme (the URL parser drops tabs). */
function withTab(text: string): string {
  const at = Math.min(text.length, text.indexOf('//') + 4);
  return `${text.slice(0, at)}\t${text.slice(at)}`;
}

/** Strings that are no token, and the real token spoiled by one character. */
function notTheToken(valid: string, long: number): unknown[] {
  return ['', 'é', 'a\u0000b', 'a\r\nb', '\u0007', '😀', 'x'.repeat(long), `${valid}\u0000`, `${valid}é`];
}

/** In a header only what HTTP carries: visible ASCII and bytes 0x80-0xFF (a header value is read as Latin-1). */
function notTheHeaderToken(valid: string): unknown[] {
  const utf8AsLatin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  return ['', utf8AsLatin1('é'), utf8AsLatin1('😀'), '\u00ff\u00fe', 'x'.repeat(LONG.header), `${valid}\u00e9`];
}

function integerExamples(slot: Slot, inBody: boolean): Hostile[] {
  const min = slot.schema.minimum ?? -(2 ** 31);
  const values: unknown[] = [min - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 64, 1.5, 'abc', '12abc', '１２', ...(slot.required ? [''] : [])];
  return [...values.map((v) => content(inBody ? v : String(v))), ...(inBody ? [unreadable(WRONG_TYPE), unreadable(true)] : [])];
}

/** The fixed catalog of a slot; `valid` is the value the arrangement put there (a credential's real value). */
function examplesOf(slot: Slot, valid: string): Hostile[] {
  const inBody = slot.in === 'body';
  const readOnInput: Hostile[] = [...(inBody ? [unreadable(WRONG_TYPE)] : []), ...NOT_UTF8.map(encoded)];
  switch (slot.kind) {
    case 'path-id': {
      const positive = (slot.schema.minimum ?? -1) >= 1;
      return ['abc', ...(positive ? ['0', '-1'] : []), '2147483648', '-2147483649', '9007199254740993', '1.5', '1e3', '١'].map(content).concat(encoded('%FF'));
    }
    case 'user-token':
      return slot.in === 'header' ? notTheHeaderToken(valid).map(content) : [...notTheToken(valid, LONG.query).map(content), encoded('%FF')];
    case 'gitlab-url':
      return ['', 'é', withTab(valid), `${valid}\n`, `${valid}\u0000`, 'not a url', 'http://gitlab.invalid/', 'javascript:alert(1)'].map(content).concat(encoded('%FF'));
    case 'ci-token':
      return [...notTheToken(valid, inBody ? LONG.body : LONG.query).map(content), ...readOnInput];
    case 'integer':
      return [...integerExamples(slot, inBody), ...NOT_UTF8.map(encoded)];
    case 'enum':
      return ['exploded', '', String(slot.schema.enum?.[0]).toUpperCase(), `${String(slot.schema.enum?.[0])}\u0000`].map(content).concat(readOnInput);
    case 'blank':
      return ['', ' ', '\t\n', '\u3000'].map(content).concat(readOnInput);
    case 'object':
      return ['a string', 12, ['an array']].map(unreadable).concat(NOT_UTF8.map(encoded));
    case 'text':
      return readOnInput;
  }
}

/** What a header value carries: visible ASCII and the bytes 0xA0-0xFF (read as Latin-1). */
const HEADER_CHARACTER = fc.constantFrom(...Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)), ...Array.from({ length: 0x60 }, (_, i) => String.fromCharCode(0xa0 + i)));

const WHITESPACE = fc.constantFrom(' ', '\t', '\n', '\r', '\u3000', '\u00a0');

/** Random hostile values of a slot's kind, beyond the catalog. */
function randomOf(slot: Slot, valid: string): fc.Arbitrary<Hostile> {
  const inBody = slot.in === 'body';
  const badEncoding = fc.tuple(textOf('abcxyz019', 0, 6), fc.constantFrom(...NOT_UTF8)).map(([prefix, bad]) => encoded(`${prefix}${bad}`));
  const beyond = fc.bigInt({ min: 2n ** 31n, max: 2n ** 70n }).map((n) => (inBody && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : String(n)));
  switch (slot.kind) {
    case 'path-id':
      // Not "." or "..": dot segments move along the path (RFC 3986) rather than name an id.
      return fc.oneof(beyond.map(String), textOf('abcxyz_~.-', 1, 8).filter((segment) => !/^\.+$/.test(segment))).map(content);
    case 'user-token':
      return slot.in === 'header'
        ? fc.string({ unit: HEADER_CHARACTER, maxLength: 40 }).filter((s) => s !== valid).map(content)
        : fc.string({ unit: CODE_POINT, maxLength: 40 }).filter((s) => s !== valid).map(content);
    case 'gitlab-url':
      return URL_TEXT.map(content);
    case 'ci-token':
      return fc.oneof(fc.string({ unit: CODE_POINT, maxLength: 40 }).filter((s) => s !== valid).map(content), badEncoding);
    case 'integer':
      return fc.oneof(beyond.map(content), textOf('abcdefxyz', 1, 8).map(content), badEncoding);
    case 'enum':
      return fc.oneof(fc.string({ unit: CODE_POINT, maxLength: 12 }).filter((s) => !(slot.schema.enum ?? []).includes(s)).map(content), badEncoding);
    case 'blank':
      return fc.oneof(fc.array(WHITESPACE, { maxLength: 6 }).map((chars) => content(chars.join(''))), badEncoding);
    case 'object':
      return fc.oneof(fc.oneof(fc.string(), fc.integer(), fc.array(fc.string(), { minLength: 1, maxLength: 3 })).map(unreadable), badEncoding);
    case 'text':
      return inBody ? fc.oneof(fc.dictionary(textOf('abcdefxyz', 1, 6), fc.string(), { minKeys: 1, maxKeys: 3 }).map(unreadable), badEncoding) : badEncoding;
  }
}

export function hostileSpace(slot: Slot, valid: unknown): HostileSpace {
  const text = valid === undefined ? '' : String(valid);
  return { examples: examplesOf(slot, text), arbitrary: randomOf(slot, text) };
}

/** A hostile value as the report shows it (JSON escapes make NUL and control characters visible). */
export function describeHostile(slot: Pick<Slot, 'name' | 'in'>, hostile: Hostile): string {
  const shown = hostile.encoded !== undefined ? `the bytes ${hostile.encoded} (not UTF-8)` : visible(hostile.value, 200);
  return `${slot.name} (${slot.in}) = ${shown}`;
}
