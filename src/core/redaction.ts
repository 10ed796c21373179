/**
 * Redaction at the edges. A provider may echo the key it was sent ("Invalid API key sk-…"), and
 * that text then travels as an error message into logs, CLI output, the chat view and, through
 * a failed tool result, to the Kimi API itself. The Redactor knows the product's actual secrets
 * (not just key-shaped patterns) and replaces every occurrence with `***` wherever text leaves
 * the process or reaches the model.
 */

/** The environment variables that carry the product's secrets (CLI and child processes). */
export const SECRET_ENV_VARS: readonly string[] = ['KIMI_API_KEY', 'EMBEDDING_API_KEY', 'MILVUS_TOKEN', 'MOONSHOT_API_KEY', 'OPENAI_API_KEY'];

/** Shorter values are not treated as secrets: replacing "a" or "1234" everywhere would garble text. */
const MIN_SECRET_LENGTH = 6;

export const REDACTED = '***';

export class Redactor {
  private secrets: string[] = [];

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) {
      this.add(s);
    }
  }

  /** Adds a secret; a Milvus `user:password` token also adds its password alone. */
  add(secret: string | undefined): void {
    const value = secret?.trim();
    if (!value || value.length < MIN_SECRET_LENGTH || this.secrets.includes(value)) {
      return;
    }
    this.secrets.push(value);
    const colon = value.indexOf(':');
    if (colon > 0) {
      this.add(value.slice(colon + 1));
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.secrets.length;
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      if (out.includes(s)) {
        out = out.split(s).join(REDACTED);
      }
    }
    return out;
  }

  /** Every string inside a JSON-like value redacted (events, tool results); other values unchanged. */
  redactDeep<T>(value: T): T {
    return this.size === 0 ? value : (deep(value, (s) => this.redact(s)) as T);
  }
}

function deep(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') {
    return f(value);
  }
  if (Array.isArray(value)) {
    return value.map((v) => deep(v, f));
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, f)]));
  }
  return value;
}

/** The secrets an environment carries (the CLI's keys). */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return SECRET_ENV_VARS.map((name) => env[name]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
}

/**
 * The environment for a child process (Python, the detached Milvus Lite server): everything but
 * the product's secrets, which the child never needs and a long-lived server would keep.
 */
export function childEnv(env: NodeJS.ProcessEnv = process.env, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, ...extra };
  for (const name of SECRET_ENV_VARS) {
    delete out[name];
  }
  return out;
}
