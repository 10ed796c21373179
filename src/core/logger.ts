/**
 * One logger for core. The extension routes it to a LogOutputChannel, the CLI to stderr,
 * tests to nothing. Never pass a key to it: `redact` is applied to every message as a
 * last line of defence.
 */
import { errorMessage, isAbortError } from './errors';

export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

/**
 * For work started and not awaited (fire-and-forget): a failure is logged as "<what> failed: …"
 * instead of becoming an unhandled rejection, which Node and the extension host report, if at
 * all, without saying where it came from. A cancellation is not a failure.
 */
export function logRejection(work: PromiseLike<unknown>, logger: Logger, what: string): void {
  Promise.resolve(work).catch((err: unknown) => {
    if (isAbortError(err)) {
      logger.debug(`${what}: cancelled.`);
    } else {
      logger.error(`${what} failed: ${errorMessage(err)}`);
    }
  });
}

export const nullLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const SECRET_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /("?(?:api[_-]?key|token|authorization|password)"?\s*[:=]\s*"?)[^"\s,}]{4,}/gi,
];

/** Masks anything that looks like a credential. */
export function redact(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) {
    out = out.replace(re, (match: string, prefix?: string) =>
      typeof prefix === 'string' && prefix.length > 0 && match.startsWith(prefix) ? `${prefix}***` : '***',
    );
  }
  return out;
}

/** A logger writing `[level] message` lines to a sink (stderr for the CLI). */
export function createStreamLogger(
  write: (line: string) => void,
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' = 'info',
): Logger {
  const order = ['trace', 'debug', 'info', 'warn', 'error'] as const;
  const min = order.indexOf(level);
  const emit = (lvl: (typeof order)[number], message: string | Error, args: unknown[]): void => {
    if (order.indexOf(lvl) < min) {
      return;
    }
    write(`[${lvl}] ${formatLogLine(message, args)}`);
  };
  return {
    trace: (m, ...a) => emit('trace', m, a),
    debug: (m, ...a) => emit('debug', m, a),
    info: (m, ...a) => emit('info', m, a),
    warn: (m, ...a) => emit('warn', m, a),
    error: (m, ...a) => emit('error', m, a),
  };
}

/** The text of one log line: the message (or an error's stack) and its arguments, redacted. */
export function formatLogLine(message: string | Error, args: readonly unknown[]): string {
  const head = message instanceof Error ? (message.stack ?? message.message) : message;
  const tail = args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
  return redact(tail ? `${head} ${tail}` : head);
}

function safeJson(value: unknown): string {
  if (value instanceof Error) {
    return value.message;
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
