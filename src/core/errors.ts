/**
 * The product's error taxonomy. Everything thrown from src/core is an AppError (or a plain
 * bug). Messages are written for the user: they say what happened and what to do next.
 */
export class AppError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Missing or invalid configuration (no key, bad URL, dimension mismatch…). */
export class ConfigError extends AppError {}

/** The operation was cancelled by the user. Never reported as a failure. */
export class UserAbortError extends AppError {
  constructor(message = 'Cancelled.') {
    super(message);
  }
}

/** Milvus (embedded or remote) could not do what was asked. */
export class StoreError extends AppError {
  constructor(
    message: string,
    readonly code: StoreErrorCode = 'unknown',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
export type StoreErrorCode =
  | 'unavailable'
  | 'python-missing'
  | 'install-failed'
  | 'schema-mismatch'
  | 'not-found'
  | 'invalid-name'
  | 'unknown';

/** An HTTP API (Kimi, embeddings) failed. `type` is the provider's error type when it sent one. */
export class ApiError extends AppError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly type: string | undefined,
    readonly retryable: boolean,
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A file could not be read or decoded. */
export class FileError extends AppError {}

/** True when `err` is a cancellation (ours, the DOM's AbortError, or the openai SDK's). */
export function isAbortError(err: unknown): boolean {
  if (err instanceof UserAbortError) {
    return true;
  }
  if (err instanceof Error) {
    return err.name === 'AbortError' || err.name === 'APIUserAbortError';
  }
  return false;
}

/** Throws UserAbortError if the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new UserAbortError();
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
