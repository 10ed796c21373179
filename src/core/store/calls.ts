/** Turning SDK results and failures into StoreErrors, and racing calls against cancellation. */
import { StoreError, UserAbortError, errorMessage, type StoreErrorCode } from '../errors';

interface StatusLike {
  readonly error_code?: string | number;
  readonly code?: number;
  readonly reason?: string;
}

function statusOf(res: unknown): StatusLike | undefined {
  if (typeof res !== 'object' || res === null) {
    return undefined;
  }
  if ('status' in res && typeof res.status === 'object' && res.status !== null) {
    return res.status;
  }
  if ('error_code' in res) {
    return res as StatusLike;
  }
  return undefined;
}

/**
 * Many SDK calls report failure in a status instead of throwing (e.g. a search without a
 * metric type on Milvus Lite); this throws for those.
 */
export function check<T>(res: T, what: string): T {
  const status = statusOf(res);
  if (!status) {
    return res;
  }
  const failed =
    (typeof status.code === 'number' && status.code !== 0) ||
    (status.error_code !== undefined && status.error_code !== 'Success' && status.error_code !== 0);
  if (failed) {
    const reason = status.reason || String(status.error_code);
    throw new StoreError(`Milvus ${what} failed: ${reason}`, classify(reason));
  }
  return res;
}

function classify(reason: string): 'not-found' | 'unknown' {
  return /not (be )?found|doesn't exist|does not exist|can't find|not exist/i.test(reason) ? 'not-found' : 'unknown';
}

/** gRPC status codes (grpc-js `status`) that this layer tells apart. */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_NOT_FOUND = 5;
const GRPC_UNAVAILABLE = 14;

/** Node socket errors that mean the server cannot be reached. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE']);

/**
 * What a thrown error's code says, when it carries one: grpc-js ServiceErrors carry a numeric
 * `code`, Node socket errors a string one; either may sit on `cause` when the SDK wraps it.
 * 'answered' means the server replied with another gRPC status, so the text decides.
 */
function codeOf(err: unknown, depth = 0): 'unavailable' | 'not-found' | 'answered' | undefined {
  if (typeof err !== 'object' || err === null || depth > 3) {
    return undefined;
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number') {
    if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) {
      return 'unavailable';
    }
    return code === GRPC_NOT_FOUND ? 'not-found' : 'answered';
  }
  if (typeof code === 'string' && SOCKET_CODES.has(code)) {
    return 'unavailable';
  }
  return codeOf((err as { cause?: unknown }).cause, depth + 1);
}

/**
 * A thrown SDK/gRPC error as a StoreError. The error's code decides first; the text is read only
 * when there is no code, because the SDK sometimes rethrows a gRPC failure as a plain Error.
 */
export function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) {
    return err;
  }
  const message = errorMessage(err);
  const byCode = codeOf(err);
  let code: StoreErrorCode;
  if (byCode === 'unavailable' || byCode === 'not-found') {
    code = byCode;
  } else if (byCode === 'answered') {
    code = classify(message);
  } else {
    code = /UNAVAILABLE|ECONNREFUSED|ECONNRESET|DEADLINE_EXCEEDED|No connection|Connection dropped/i.test(message)
      ? 'unavailable'
      : classify(message);
  }
  return new StoreError(`Milvus ${what} failed: ${message}`, code, { cause: err });
}

/** Resolves like `promise`, or rejects with UserAbortError as soon as `signal` fires. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) {
    return promise;
  }
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new UserAbortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new UserAbortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
