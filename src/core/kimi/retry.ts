/**
 * The one retry policy for Kimi calls. The SDK's own retries are off (they count against RPM,
 * docs/reference/kimi-api.md#errors-and-retries): we retry by error type, honour "try again after N seconds", and back off
 * with jitter otherwise.
 */

export interface RetryOptions {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 4, baseDelayMs: 1000, maxDelayMs: 60_000 };

/** Delay before retry number `attempt` (1-based). A server-given wait wins, capped. */
export function retryDelay(attempt: number, options: RetryOptions, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined) {
    // A little jitter so that parallel sessions do not all come back in the same millisecond.
    return Math.min(options.maxDelayMs, retryAfterMs + Math.floor(random() * 250));
  }
  const exp = options.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(options.maxDelayMs, Math.floor(exp * (1 + random() * 0.25)));
}

