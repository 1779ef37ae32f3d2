// Typed reading of request attributes: missing -> 400 "<name>" not given, wrong type -> 400.
import type { Params } from './body';
import { notGiven, refuse } from './errors';

const isMissing = (v: unknown): boolean => v === undefined || v === null;

function asString(value: unknown, label: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw refuse('inputMalformed', `"${label}" must be a string`);
}

function asInt(value: unknown, label: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim())) {
    const n = Number(value.trim());
    if (Number.isSafeInteger(n)) return n;
  }
  throw refuse('inputMalformed', `"${label}" must be an integer`);
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
  if (typeof v !== 'object' || Array.isArray(v)) throw refuse('inputMalformed', `"${label}" must be an object`);
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

/** A positive integer path segment; undefined when the segment cannot name a resource. */
export function pathId(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d{1,16}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}
