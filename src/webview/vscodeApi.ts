/** The webview's handle on the host, typed with the shared protocol. */
import type { Turn } from '../shared/chatModel';
import { isTurn, type WebviewToHost } from '../shared/protocol';

/** What the webview keeps in VS Code's per-view state so it can repaint at once after being hidden. */
export interface PersistedViewState {
  readonly turns: readonly Turn[];
  readonly draft: string;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostChannel {
  post(message: WebviewToHost): void;
  loadState(): PersistedViewState | undefined;
  saveState(state: PersistedViewState): void;
}

export function connectHost(): HostChannel {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    loadState: () => {
      const s = api.getState();
      if (typeof s === 'object' && s !== null && 'turns' in s && Array.isArray(s.turns)) {
        const draft = 'draft' in s && typeof s.draft === 'string' ? s.draft : '';
        return { turns: (s.turns as unknown[]).filter(isTurn), draft };
      }
      return undefined;
    },
    saveState: (state) => api.setState(state),
  };
}
