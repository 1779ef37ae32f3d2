// Values a schema of the description allows, as fast-check arbitraries, and two fixed examples of each:
// the smallest (required fields only, lower bounds) and the richest (every field, upper bounds, text with
// non-ASCII, NUL, control characters and characters outside the BMP). Written for the subset the
// description uses (type, enum, format, minimum/maximum, minLength/maxLength, pattern, required and optional
// properties, nested objects, arrays): the one library that converts JSON Schema to fast-check
// (json-schema-fast-check 0.0.6) is unmaintained and built on fast-check 1.
import fc from 'fast-check';
import type { OpenAPIV3_1 } from 'openapi-types';

type Schema = OpenAPIV3_1.SchemaObject;

/** Integer ranges by format; an integer without a format is linted away (src/spec/lint.ts). */
const INTEGER_RANGES: Record<string, { min: number; max: number }> = {
  int32: { min: -(2 ** 31), max: 2 ** 31 - 1 },
  int64: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
};

/**
 * The decided limit of generated text where the description gives none: long enough to find a server
 * that stores text in a short column, small enough for a request line limit-free body.
 */
const LONG_TEXT = 10_000;

/** Generated text is short (up to this many code points) or long (up to LONG_TEXT). */
const SHORT_TEXT = 24;

/** Text a server must take as it is: accents, a NUL, control characters, an emoji outside the BMP. */
const RICH_TEXT = 'Zürich \u0000\t\r\n\u0007 😀 ✓ 日本';

/** One code point from a range; the unmapper lets fast-check shrink a fixed example it did not generate. */
function codePointIn(min: number, max: number): fc.Arbitrary<string> {
  return fc.integer({ min, max }).map(
    (cp) => String.fromCodePoint(cp),
    (value) => {
      const cp = typeof value === 'string' ? value.codePointAt(0) : undefined;
      if (cp === undefined || String.fromCodePoint(cp) !== value || cp < min || cp > max) throw new Error('not a code point of this range');
      return cp;
    },
  );
}

/**
 * Any code point but half a surrogate pair, mostly printable ASCII, often NUL and control characters,
 * accents and scripts, and characters outside the BMP. (fast-check's own 'binary' unit maps all 1.1 million
 * code points to shrink an example it did not generate: half a second per suite file.)
 */
export const CODE_POINT = fc.oneof(
  { arbitrary: codePointIn(0x20, 0x7e), weight: 6 },
  { arbitrary: codePointIn(0x00, 0x1f), weight: 1 },
  { arbitrary: codePointIn(0x80, 0xd7ff), weight: 2 },
  { arbitrary: codePointIn(0xe000, 0xffff), weight: 1 },
  { arbitrary: codePointIn(0x10000, 0x10ffff), weight: 1 },
);

/** How many items an array of generated values has at most. */
const MAX_ITEMS = 3;

/** Text of the given characters (fast-check's stringMatching and webUrl cost tens of ms to build, per check). */
export function textOf(characters: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...characters), minLength, maxLength });
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** Free-form object keys (additional properties): short names that any form encoding carries unchanged. */
const FREE_KEY = fc.tuple(textOf(LOWER, 1, 1), textOf(`${LOWER}0123456789_`, 0, 8)).map(([first, rest]) => first + rest);

/** http(s) URLs of a host, a port maybe, a path. */
export const URL_TEXT = fc
  .tuple(fc.constantFrom('http', 'https'), textOf(`${LOWER}0123456789-`, 1, 12), fc.option(fc.integer({ min: 1, max: 65_535 })), textOf(`${LOWER}0123456789/._-`, 0, 20))
  .map(([scheme, host, port, path]) => `${scheme}://${host}.example${port === null ? '' : `:${port}`}/${path}`);

function typeOf(schema: Schema): string | undefined {
  const type = schema.type as string | string[] | undefined;
  return Array.isArray(type) ? type.find((t) => t !== 'null') : type;
}

function itemsOf(schema: Schema): Schema {
  return ((schema as OpenAPIV3_1.ArraySchemaObject).items ?? {}) as Schema;
}

function integerRange(schema: Schema): { min: number; max: number } {
  const range = INTEGER_RANGES[schema.format ?? 'int64'] ?? INTEGER_RANGES.int64;
  return { min: Math.max(range.min, schema.minimum ?? range.min), max: Math.min(range.max, schema.maximum ?? range.max) };
}

function textArbitrary(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'uri') return URL_TEXT;
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? LONG_TEXT;
  // Both kinds shrink inputs fast-check did not generate (the fixed examples): no .map without an unmapper.
  const short = fc.string({ unit: CODE_POINT, minLength, maxLength: Math.min(maxLength, SHORT_TEXT) });
  const long = fc.string({ unit: CODE_POINT, minLength: Math.min(Math.max(minLength, SHORT_TEXT + 1), maxLength), maxLength });
  const text = fc.oneof({ arbitrary: short, weight: 5 }, { arbitrary: long, weight: 1 });
  if (!schema.pattern) return text;
  const pattern = new RegExp(schema.pattern, 'u');
  return text.filter((s) => pattern.test(s));
}

function objectArbitrary(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return fc.dictionary(FREE_KEY, fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean()), { maxKeys: 3 });
  const required = new Set(schema.required ?? []);
  const record = Object.fromEntries(properties.map(([name, s]) => [name, arbitraryOf(s as Schema)]));
  return fc.record(record, { requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** Values the schema allows (null is never generated: request schemas do not use it). */
export function arbitraryOf(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (typeOf(schema)) {
    case 'integer': {
      const { min, max } = integerRange(schema);
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum, max: schema.maximum });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return textArbitrary(schema);
    case 'array':
      return fc.array(arbitraryOf(itemsOf(schema)), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? MAX_ITEMS, MAX_ITEMS) });
    case 'object':
      return objectArbitrary(schema);
    default:
      throw new Error(`no generator for a schema of type ${JSON.stringify(schema.type)}`);
  }
}

export type ExampleSize = 'smallest' | 'richest';

/** The fixed example of a schema: the smallest value it allows, or the richest (see the file's head). */
export function exampleOf(schema: Schema, size: ExampleSize): unknown {
  if (schema.enum) return size === 'smallest' ? schema.enum[0] : schema.enum[schema.enum.length - 1];
  switch (typeOf(schema)) {
    case 'integer': {
      const { min, max } = integerRange(schema);
      return size === 'smallest' ? min : max;
    }
    case 'number':
      return size === 'smallest' ? (schema.minimum ?? 0) : (schema.maximum ?? 1.5);
    case 'boolean':
      return size === 'richest';
    case 'string':
      return textExample(schema, size);
    case 'array':
      return size === 'smallest' ? [] : [exampleOf(itemsOf(schema), size)];
    case 'object':
      return objectExample(schema, size);
    default:
      throw new Error(`no example for a schema of type ${JSON.stringify(schema.type)}`);
  }
}

function textExample(schema: Schema, size: ExampleSize): string {
  if (schema.format === 'uri') return size === 'smallest' ? 'http://a.example/' : 'https://a-b.example:65535/a/b.c';
  if (size === 'smallest') return 'x'.repeat(schema.minLength ?? (schema.pattern ? 1 : 0));
  return RICH_TEXT;
}

function objectExample(schema: Schema, size: ExampleSize): Record<string, unknown> {
  const properties = Object.entries(schema.properties ?? {});
  // Free-form (additional properties only): random ones are generated; a fixed one could not be shrunk.
  if (properties.length === 0) return {};
  const required = new Set(schema.required ?? []);
  const kept = size === 'smallest' ? properties.filter(([name]) => required.has(name)) : properties;
  return Object.fromEntries(kept.map(([name, s]) => [name, exampleOf(s as Schema, size)]));
}

/**
 * Whether a value is one the schema allows (the subset above). fast-check's shrinking of a fixed example
 * can step outside a string's minLength; such a candidate is no valid input and is skipped (fc.pre).
 */
export function allows(schema: Schema, value: unknown): boolean {
  if (schema.enum) return schema.enum.includes(value);
  switch (typeOf(schema)) {
    case 'integer': {
      const { min, max } = integerRange(schema);
      return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
    }
    case 'string':
      return typeof value === 'string' && [...value].length >= (schema.minLength ?? 0) && (!schema.pattern || new RegExp(schema.pattern, 'u').test(value));
    case 'array':
      return Array.isArray(value) && value.every((item) => allows(itemsOf(schema), item));
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
      const object = value as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      return (schema.required ?? []).every((name) => name in object) && Object.entries(object).every(([name, v]) => !properties[name] || allows(properties[name], v));
    }
    default:
      return true;
  }
}
