// Secrets never leave the run: every value reported is passed through here first. Tokens are caught
// two ways: by the name of the field or header that carries them, and by their value wherever else
// they appear (a URL, an echoed message, a body), in every form a request or answer may carry them:
// as is, percent-encoded (a query, a form body), escaped in a JSON string, and inside a body that is
// not text (the bytes are redacted before they are shown as base64).
import { percentEncode } from '../http/encode';

export const REDACTED = '[REDACTED]';

const SECRET_NAME = /token|secret|password|authorization|cookie/i;

/** Whether a field or header of this name carries a secret, whatever its value. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The forms a secret takes on the wire: as is, percent-encoded (%20 or + for a space), JSON-escaped. */
function secretForms(secret: string): string[] {
  const encoded = percentEncode(secret);
  return [...new Set([secret, encoded, encodeURIComponent(secret), encoded.replace(/%20/g, '+'), JSON.stringify(secret).slice(1, -1)])];
}

export class Redactor {
  /** Every form of every secret, longest first (a secret inside another is replaced after it). */
  private forms: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; no real token is that short.
    if (typeof secret !== 'string' || secret.length < 6 || this.forms.includes(secret)) return;
    this.forms = [...new Set([...this.forms, ...secretForms(secret)])].sort((a, b) => b.length - a.length);
  }

  text(value: string): string {
    let out = value;
    for (const form of this.forms) out = out.split(form).join(REDACTED);
    return out;
  }

  /** The bytes with every secret replaced (for bodies that may not be text). */
  bytes(value: Buffer): Buffer {
    let out = value;
    for (const form of this.forms) {
      const needle = Buffer.from(form, 'utf8');
      let at = out.indexOf(needle);
      while (at >= 0) {
        out = Buffer.concat([out.subarray(0, at), Buffer.from(REDACTED), out.subarray(at + needle.length)]);
        at = out.indexOf(needle, at + REDACTED.length);
      }
    }
    return out;
  }

  value<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) {
        out[key] = isSecretName(key) && inner !== null && inner !== undefined && inner !== '' ? REDACTED : this.walk(inner);
      }
      return out;
    }
    return value;
  }
}

/**
 * The secrets this process knows of, for every line it prints to the console (errors included, also
 * ones that escape as an unhandled rejection): filled from the options and environment as soon as they
 * are read, and from the embedded server's tokens when it starts.
 */
export const consoleRedactor = new Redactor();

/** Every string under a key that names a token, anywhere in a parsed JSON body: what a server handed out. */
export function tokensIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(tokensIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (/token/i.test(key) && typeof inner === 'string' ? [inner] : tokensIn(inner)));
}
