/** The first-run banner: says what is missing (key, index, trust) with buttons that fix it. */
import type { SetupState, WebviewAction } from '../shared/protocol';
import { button, el } from './dom';

export function renderSetup(setup: SetupState | undefined, run: (action: WebviewAction) => void): HTMLElement[] {
  if (!setup) {
    return [];
  }
  const items: HTMLElement[] = [];
  const item = (text: string, label: string, action: WebviewAction): void => {
    const b = button(label, { class: 'setup-action' });
    b.addEventListener('click', () => run(action));
    items.push(el('div', { class: 'setup-item' }, el('p', {}, text), b));
  };
  if (!setup.hasKimiKey) {
    item('Kimi needs an API key (from platform.moonshot.ai or platform.moonshot.cn).', 'Set Kimi API Key', 'setKimiApiKey');
  }
  if (!setup.trusted) {
    item(
      'Restricted Mode: chat works, but indexing and reading workspace files are off until you trust this folder.',
      'Manage Workspace Trust',
      'manageTrust',
    );
  } else if (setup.hasWorkspace && !setup.indexed && !setup.indexing) {
    item('This workspace is not indexed yet, so Kimi cannot search it.', 'Index Workspace', 'indexWorkspace');
  }
  if (setup.indexing) {
    items.push(el('div', { class: 'setup-item' }, el('p', {}, 'Indexing the workspace…')));
  }
  return items;
}
