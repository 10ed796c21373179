import { UserAbortError } from './errors';

/** Resolves after `ms`, or rejects with UserAbortError as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new UserAbortError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new UserAbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
