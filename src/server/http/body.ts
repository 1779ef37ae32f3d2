// Reading request parameters: the query string and JSON or application/x-www-form-urlencoded bodies,
// with Rails-style bracketed keys (data[commits][0][id]) turned into nested objects and arrays.
import type http from 'node:http';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_ARRAY_INDEX = 1000;
const MAX_DEPTH = 20;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type Params = Record<string, unknown>;

/** JSON is UTF-8 (RFC 8259), and so are form bodies: bytes that are not are refused, never replaced. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface ParsedBody {
  params: Params;
  /** Why the body could not be read (it then counts as empty). */
  error?: string;
}

export class BodyTooLargeError extends Error {}

/** A query or form value whose percent-encoding is not UTF-8 (or has a stray %): no text, so every reader refuses it (400). */
export class Unreadable {
  constructor(readonly raw: string) {}
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError('request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decode(s: string): string | Unreadable {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return new Unreadable(s);
  }
}

/** "data[commits][0][id]" -> ["data", "commits", "0", "id"]; a key without brackets is one segment. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/gy;
  re.lastIndex = open;
  let m: RegExpExecArray | null;
  while ((m = re.exec(key)) !== null) {
    parts.push(m[1]);
    if (re.lastIndex === key.length) return parts.length > MAX_DEPTH ? [key] : parts;
  }
  return [key]; // not a clean bracket key: keep it verbatim
}

const isIndex = (s: string): boolean => s === '' || (/^\d+$/.test(s) && Number(s) <= MAX_ARRAY_INDEX);

function assign(target: Params, path: string[], value: string | Unreadable): void {
  if (path.some((p) => UNSAFE_KEYS.has(p))) return;
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < path.length; i++) {
    const last = i === path.length - 1;
    const key = path[i];
    if (Array.isArray(node) && key === '') {
      if (last) node.push(value);
      else {
        const child = isIndex(path[i + 1]) ? [] : {};
        node.push(child);
        node = child as typeof node;
      }
      continue;
    }
    const container = node as Record<string, unknown>;
    const slot = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    if (last) {
      (container as Record<string | number, unknown>)[slot] = value;
      return;
    }
    let child = (container as Record<string | number, unknown>)[slot];
    if (child === null || typeof child !== 'object') {
      child = isIndex(path[i + 1]) ? [] : {};
      (container as Record<string | number, unknown>)[slot] = child;
    } else if (Array.isArray(child) && !isIndex(path[i + 1])) {
      child = Object.assign({}, child);
      (container as Record<string | number, unknown>)[slot] = child;
    }
    node = child as typeof node;
  }
}

/** Parses a query string or urlencoded body into nested params (the last of repeated keys wins). */
export function parseUrlEncoded(text: string): Params {
  const out: Params = {};
  if (!text) return out;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    // A name that is not UTF-8 names no attribute the API reads.
    const rawKey = key instanceof Unreadable ? key.raw : key;
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    if (!rawKey) continue;
    assign(out, splitKey(rawKey), value);
  }
  return compactArrays(out) as Params;
}

/** Arrays filled from sparse indexes lose their holes. */
function compactArrays(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compactArrays);
  if (value && typeof value === 'object' && !(value instanceof Unreadable)) {
    for (const [k, v] of Object.entries(value)) (value as Params)[k] = compactArrays(v);
  }
  return value;
}

/** Parses a body by its Content-Type; an unreadable body counts as empty and carries an error. */
export function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    return { params: {}, error: 'the body is not UTF-8' };
  }
  if (text.trim() === '') return { params: {} };
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const looksJson = /^\s*[[{"]/.test(text);
  if (type === 'application/json' || type.endsWith('+json') || (type !== 'application/x-www-form-urlencoded' && looksJson)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { params: {}, error: 'the body is not valid JSON' };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { params: {}, error: 'the body must be a JSON object' };
    }
    return { params: stripUnsafe(value as Params) };
  }
  if (type === 'application/x-www-form-urlencoded' || type === '' || type === 'text/plain') {
    return { params: parseUrlEncoded(text) };
  }
  return { params: {}, error: `unsupported Content-Type ${type}` };
}

function stripUnsafe(value: Params): Params {
  // JSON.parse creates "__proto__" as an own property; drop it so it never reaches an Object.assign.
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) delete value.__proto__;
  return value;
}
