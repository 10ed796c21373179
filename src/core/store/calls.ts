/** Turning SDK results and failures into StoreErrors, and racing calls against cancellation. */
import { StoreError, UserAbortError, errorMessage } from '../errors';

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

/** A thrown SDK/gRPC error as a StoreError. */
export function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) {
    return err;
  }
  const message = errorMessage(err);
  const unavailable = /UNAVAILABLE|ECONNREFUSED|ECONNRESET|DEADLINE_EXCEEDED|No connection|Connection dropped/i.test(message);
  return new StoreError(
    `Milvus ${what} failed: ${message}`,
    unavailable ? 'unavailable' : classify(message),
    { cause: err },
  );
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
