/** Small behaviours of the chat view that keep the user oriented: the end of the log in view, Focus Chat's key, the model picker, the title, fix buttons. */
import { WEBVIEW_ACTIONS, type WebviewAction, type WebviewToHost } from '../shared/protocol';
import { el } from './dom';

/**
 * Whatever changes the log's height (the composer growing with chips, a model list arriving, the
 * side bar resized) keeps the end of the conversation in view if it was: Sources are never left
 * under the input.
 */
export function keepEndInView(log: HTMLElement, nearBottom: () => boolean): void {
  let atBottom = true;
  log.addEventListener('scroll', () => (atBottom = nearBottom()));
  new ResizeObserver(() => {
    if (atBottom) {
      log.scrollTop = log.scrollHeight;
    }
  }).observe(log);
}

/**
 * Focus Chat's key (Ctrl+Alt+C, Cmd+Alt+C on macOS) from inside the view. In the browser VS Code
 * does not pass a key with Ctrl+C on to its keybindings from a webview (it leaves it to the browser
 * as Copy), so the view answers it itself.
 */
export function isFocusChatKey(e: KeyboardEvent): boolean {
  return e.code === 'KeyC' && e.altKey && (e.ctrlKey || e.metaKey) && !e.shiftKey;
}

/** The picker stays in the row even when the list cannot be fetched (no key, endpoint down): it shows the model in use. */
export function renderModels(model: HTMLSelectElement, models: readonly string[], current: string): void {
  const ids = models.includes(current) ? models : [current, ...models];
  model.replaceChildren(...ids.map((id) => el('option', { value: id }, id)));
  model.value = current;
  model.title = models.length === 0 ? `Kimi model: ${current} (the list of models could not be fetched)` : `Kimi model: ${current}`;
  model.hidden = false;
}

/** The open conversation's title above the log (hidden for a new chat); the full text on hover when it is cut. */
export function showTitle(heading: HTMLElement, title: string | undefined): void {
  heading.textContent = title ?? '';
  heading.title = title ?? '';
  heading.hidden = title === undefined;
}

/** A failed answer's fix button: only an action of the closed list reaches the host. */
export function postFix(post: (message: WebviewToHost) => void, action: string): void {
  if ((WEBVIEW_ACTIONS as readonly string[]).includes(action)) {
    post({ type: 'action', action: action as WebviewAction });
  }
}
