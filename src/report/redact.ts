// Secrets never leave the run: every value reported is passed through here first. Tokens are caught
// two ways: by the name of the field or header that carries them, and by their value wherever else
// they appear (a URL, an echoed message).
export const REDACTED = '[REDACTED]';

const SECRET_NAME = /token|secret|password|authorization/i;

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; no real token is that short.
    if (typeof secret === 'string' && secret.length >= 6) this.secrets.add(secret);
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
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
        out[key] = SECRET_NAME.test(key) && inner !== null && inner !== undefined && inner !== '' ? REDACTED : this.walk(inner);
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
