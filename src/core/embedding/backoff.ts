
/** Longest wait a server's Retry-After is honoured for; beyond it we give up rather than hang. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Milliseconds a response asks us to wait: `retry-after-ms` (OpenAI), then `Retry-After` as
 * seconds (fractions allowed) or an HTTP date. Undefined when absent or unparsable.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) {
    return Math.max(0, Number(ms));
  }
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Exponential backoff with up to 25 % jitter, capped; the server's wish wins when it states one. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, serverMs?: number, random = Math.random): number {
  if (serverMs !== undefined) {
    return Math.min(serverMs, MAX_RETRY_AFTER_MS);
  }
  const exp = Math.min(maxMs, baseMs * 2 ** attempt);
  return exp * (1 - random() * 0.25);
}

