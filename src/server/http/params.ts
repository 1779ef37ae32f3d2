// Typed reading of request attributes: missing -> 400 "<name>" not given, wrong type -> 400, a value
// whose encoding is not UTF-8 (Unreadable) -> 400.
import { Unreadable, type Params } from './body';
import { notGiven, refuse } from './errors';

const isMissing = (v: unknown): boolean => v === undefined || v === null;

/** Every integer the API reads names an id or a page: positive, and within 32 bits (x-id-range of the description). */
const MAX_INTEGER = 2 ** 31 - 1;

function asString(value: unknown, label: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw refuse('inputMalformed', `"${label}" must be a string`);
}

function asInt(value: unknown, label: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,10}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= MAX_INTEGER) return n;
  throw refuse('inputMalformed', `"${label}" must be a positive 32-bit integer`);
}

export function optionalString(params: Params, name: string, label = name): string | undefined {
  const v = params[name];
  return isMissing(v) ? undefined : asString(v, label);
}

export function requiredString(params: Params, name: string, label = name): string {
  const v = optionalString(params, name, label);
  if (v === undefined) throw notGiven(label);
  return v;
}

export function optionalInt(params: Params, name: string, label = name): number | undefined {
  const v = params[name];
  if (isMissing(v) || v === '') return undefined;
  return asInt(v, label);
}

export function requiredInt(params: Params, name: string, label = name): number {
  const v = optionalInt(params, name, label);
  if (v === undefined) throw notGiven(label);
  return v;
}

export function optionalObject(params: Params, name: string, label = name): Params | undefined {
  const v = params[name];
  if (isMissing(v)) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || v instanceof Unreadable) throw refuse('inputMalformed', `"${label}" must be an object`);
  return v as Params;
}

export function requiredObject(params: Params, name: string, label = name): Params {
  const v = optionalObject(params, name, label);
  if (v === undefined) throw notGiven(label);
  return v;
}

/** A list of strings given as an array or a comma-separated string (tag_list). */
export function optionalStringList(params: Params, name: string, label = name): string[] | undefined {
  const v = params[name];
  if (isMissing(v)) return undefined;
  const items = Array.isArray(v) ? v.map((item) => asString(item, label)) : asString(v, label).split(',');
  return items.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Checks presence of every name first, so that "not given" is reported before any type error. */
export function requirePresent(params: Params, names: string[]): void {
  for (const name of names) {
    const v = params[name];
    if (isMissing(v) || (v === '' && name.endsWith('_id'))) throw notGiven(name);
  }
}

/**
 * A path segment as an id: a 32-bit integer, positive unless `negative` (PUT builds/-1, the runners' health
 * check); undefined when the segment cannot name a resource (the path then names none: 404).
 */
export function pathId(value: string, negative = false): number | undefined {
  if (!/^-?\d{1,10}$/.test(value)) return undefined;
  const n = Number(value);
  return n <= MAX_INTEGER && n >= (negative ? -MAX_INTEGER - 1 : 1) ? n : undefined;
}
