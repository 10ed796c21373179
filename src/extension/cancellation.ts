import type * as vscode from 'vscode';

/**
 * Bridges a VS Code CancellationToken to the AbortSignal the core takes. Call dispose when done;
 * it is a bound function, so `const { signal, dispose } = abortSignalFor(token)` is safe.
 */
export function abortSignalFor(token: vscode.CancellationToken | undefined): { readonly signal: AbortSignal; readonly dispose: () => void } {
  const controller = new AbortController();
  if (token?.isCancellationRequested) {
    controller.abort();
  }
  const sub = token?.onCancellationRequested(() => controller.abort());
  return {
    signal: controller.signal,
    dispose: () => {
      sub?.dispose();
    },
  };
}
