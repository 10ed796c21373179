import type * as vscode from 'vscode';

/** Bridges a VS Code CancellationToken to the AbortSignal the core takes. Call dispose when done. */
export function abortSignalFor(token: vscode.CancellationToken | undefined): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token?.isCancellationRequested) {
    controller.abort();
  }
  const sub = token?.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => sub?.dispose() };
}
