/**
 * The product's error taxonomy. Everything thrown from src/core is an AppError (or a plain
 * bug). A message says what happened, for logs and for the model (tool results); it names no
 * command, setting or flag of a front end. What the user can do about it is chosen by the
 * error's code in src/text/errorText.ts, with each front end's own words for its settings.
 */
export class AppError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Missing or invalid configuration (no key, bad URL, dimension mismatch…). */
export class ConfigError extends AppError {
  constructor(
    message: string,
    /** Set where a front end has its own way to fix it. */
    readonly code?: ConfigErrorCode,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }
}
export type ConfigErrorCode =
  /** No Kimi API key is set. */
  | 'kimi-key-missing'
  /** The embedding model's vectors have another size than configured; details.dimensions is theirs. */
  | 'embedding-dimensions'
  /** The openai-compatible provider was chosen without a base URL or key. */
  | 'embedding-endpoint-missing';

/** Facts about an error that a front end's words need (a host, a model, a size). */
export type ErrorDetails = Readonly<Record<string, string | number | undefined>>;

/** The operation was cancelled by the user. Never reported as a failure. */
export class UserAbortError extends AppError {
  constructor(message = 'Cancelled.') {
    super(message);
  }
}

/** Milvus (embedded or remote) could not do what was asked. */
export class StoreError extends AppError {
  readonly details: ErrorDetails;

  constructor(
    message: string,
    readonly code: StoreErrorCode = 'unknown',
    options?: { cause?: unknown; details?: ErrorDetails },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details ?? {};
  }
}
export type StoreErrorCode =
  | 'unavailable'
  /** No usable Python; details.purpose says what needed it ('milvus' or 'local-embedding'). */
  | 'python-missing'
  /** pip failed; details.purpose as for python-missing. */
  | 'install-failed'
  | 'schema-mismatch'
  | 'not-found'
  | 'invalid-name'
  | 'unknown';

/** An HTTP API (Kimi, embeddings) failed. `type` is the provider's error type when it sent one. */
export class ApiError extends AppError {
  readonly status: number | undefined;
  readonly type: string | undefined;
  readonly retryable: boolean;
  readonly requestId: string | undefined;
  readonly details: ErrorDetails;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    init: ApiErrorInit,
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.type = init.type;
    this.retryable = init.retryable;
    this.requestId = init.requestId;
    this.details = init.details ?? {};
  }
}

export interface ApiErrorInit {
  readonly status?: number;
  readonly type?: string;
  readonly retryable: boolean;
  readonly requestId?: string;
  readonly details?: ErrorDetails;
  readonly cause?: unknown;
}

/** What went wrong with Kimi's API (src/core/kimi/kimiErrors.ts decides it from the error type and status). */
export type KimiErrorCode =
  | 'timeout'
  | 'connection'
  /** The stream ended before any text and without a finish reason. */
  | 'stream-cut'
  /** No balance left, or the account is not active. */
  | 'quota'
  | 'content-filter'
  /** The tokens-per-day limit is used up. */
  | 'daily-limit'
  | 'rate-limit'
  | 'overloaded'
  | 'context-too-long'
  /** A 400 about an attached image: the model has no vision, or the image was not a data URL. */
  | 'image-refused'
  | 'auth'
  | 'forbidden'
  | 'model-not-found'
  /** 400/422: the request itself was refused. */
  | 'rejected'
  /** Any other failure; `retryable` says whether trying again may help. */
  | 'failed';

/** What went wrong with the embedding endpoint. */
export type EmbeddingErrorCode = 'timeout' | 'connection' | 'auth' | 'quota' | 'not-found' | 'invalid-response' | 'failed';

export type ApiErrorCode = KimiErrorCode | EmbeddingErrorCode;

/** A failed Kimi call (src/core/kimi/kimiErrors.ts): its code, and how long the server asked us to wait. */
export class KimiApiError extends ApiError {
  declare readonly code: KimiErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(code: KimiErrorCode, message: string, init: ApiErrorInit & { readonly retryAfterMs?: number }) {
    super(code, message, init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** The embedding endpoint failed (src/core/embedding/openaiEmbedder.ts). */
export class EmbeddingApiError extends ApiError {
  declare readonly code: EmbeddingErrorCode;

  constructor(code: EmbeddingErrorCode, message: string, init: ApiErrorInit) {
    super(code, message, init);
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
