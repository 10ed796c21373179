/** Entry point of the chat webview (dist/webview.js): wires the host channel, the conversation log and the composer. */
import { applyChatEvent, type Turn } from '../shared/chatModel';
import { parseHostMessage, type HostToWebview, type SetupState } from '../shared/protocol';
import { button, el } from './dom';
import { numberCodeBlocks } from './codeBlocks';
import { ContextChips } from './contextChips';
import { ImageAttachments } from './imageAttach';
import { ContextMeterView } from './contextMeter';
import { MentionPicker } from './mentionPicker';
import { renderSetup } from './setupView';
import { renderTurn, type TurnActions } from './turnView';
import { connectHost } from './vscodeApi';

const host = connectHost();
const saved = host.loadState();

let turns: Turn[] = saved ? [...saved.turns] : [];
let busy = false;
let setup: SetupState | undefined;
const dirty = new Set<string>();
/** Pending timer or animation frame of the next streaming render (0: none). */
let frame = 0;
let lastRenderMs = 0;
let lastRenderEnd = 0;

const actions: TurnActions = {
  openSource: (source) => host.post({ type: 'openSource', source }),
  copyCode: (code) => host.post({ type: 'copyCode', code }),
  insertCode: (code) => host.post({ type: 'insertCode', code }),
  resend: (turnId, text) => {
    if (!busy) {
      host.post(text === undefined ? { type: 'resend', turnId } : { type: 'resend', turnId, text });
    }
  },
  applyCode: (code, target) => host.post({ type: 'applyCode', code, target: target.source, wholeFile: target.wholeFile }),
};

const setupBox = el('div', { class: 'setup', 'aria-label': 'Setup' });
const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
const empty = el('div', { class: 'empty' }, 'Ask about your code. Kimi searches the index and cites its sources.');
const input = el('textarea', { class: 'input', 'aria-label': 'Message', placeholder: 'Ask Kimi… (Enter to send, Shift+Enter for a new line)', rows: '3' });
const send = button('Send', { class: 'primary' });
const stop = button('Stop');
const newChat = button('New chat');
const history = button('Conversations', { title: 'Conversations: switch, rename, delete' }, 'Chats');
/** The open conversation's title, so a switch is visible (and announced) in the view. */
const heading = el('h2', { class: 'chat-title' });
heading.hidden = true;
const model = el('select', { class: 'model', 'aria-label': 'Model', title: 'Kimi model' });
model.hidden = true;
const chips = new ContextChips((id) => host.post({ type: 'removeContext', id }));
const mentions = new MentionPicker(input, (query, seq) => host.post({ type: 'mentionQuery', query, seq }));
// Dropped anywhere on the view; pasted into the input; or picked with the Image button.
const images = new ImageAttachments(input, document.body, (id) => host.post({ type: 'setModel', model: id }));
const meter = new ContextMeterView(
  (seq) => {
    const context = chips.ids();
    const mentioned = mentions.taken();
    host.post({ type: 'measure', seq, text: input.value, ...(context.length > 0 ? { context } : {}), ...(mentioned.length > 0 ? { mentions: [...mentioned] } : {}) });
  },
  () => host.post({ type: 'compact' }),
);
const composer = el(
  'div',
  { class: 'composer' },
  chips.element,
  mentions.chips,
  images.chips,
  images.notice,
  mentions.list,
  input,
  images.picker,
  meter.element,
  el('div', { class: 'composer-buttons' }, model, images.attach, el('span', { class: 'spacer' }), history, newChat, stop, send),
);
// Attaching or removing a chip or a mention changes the next request as much as typing does.
const remeasure = new MutationObserver(() => meter.schedule());
remeasure.observe(chips.element, { childList: true, subtree: true });
remeasure.observe(mentions.chips, { childList: true, subtree: true });
const app = document.getElementById('app') ?? document.body;
app.append(setupBox, heading, log, composer);
input.value = saved?.draft ?? '';

function submit(): void {
  const text = input.value;
  const attached = images.taken();
  if (busy || (text.trim().length === 0 && attached.length === 0)) {
    return;
  }
  const context = chips.ids();
  const mentioned = mentions.taken();
  host.post({
    type: 'send',
    text,
    ...(context.length > 0 ? { context } : {}),
    ...(mentioned.length > 0 ? { mentions: [...mentioned] } : {}),
    ...(attached.length > 0 ? { images: [...attached] } : {}),
  });
  input.value = '';
  mentions.clear();
  images.clear();
  persist();
}

input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  }
});
input.addEventListener('input', () => {
  persist();
  meter.schedule();
});
send.addEventListener('click', submit);
stop.addEventListener('click', () => host.post({ type: 'stop' }));
newChat.addEventListener('click', () => host.post({ type: 'newChat' }));
history.addEventListener('click', () => host.post({ type: 'conversations' }));
// Escape stops a streaming answer from anywhere in the view (editors handle their own Escape first).
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && busy && !e.defaultPrevented) {
    e.preventDefault();
    host.post({ type: 'stop' });
  }
});
model.addEventListener('change', () => host.post({ type: 'setModel', model: model.value }));

function renderModels(models: readonly string[], current: string): void {
  const ids = models.includes(current) ? models : [current, ...models];
  model.replaceChildren(...ids.map((id) => el('option', { value: id }, id)));
  model.value = current;
  model.hidden = models.length === 0;
}

function persist(): void {
  host.saveState({ turns, draft: input.value });
}

function nearBottom(): boolean {
  return log.scrollHeight - log.scrollTop - log.clientHeight < 48;
}

function renderAll(): void {
  const stick = nearBottom();
  log.replaceChildren(...(turns.length === 0 ? [empty] : turns.map((t, i) => renderTurn(t, actions, i === turns.length - 1))));
  numberCodeBlocks(log);
  if (stick || turns.length > 0) {
    log.scrollTop = log.scrollHeight;
  }
  renderChrome();
}

function renderChrome(): void {
  setupBox.replaceChildren(...renderSetup(setup, (action) => host.post({ type: 'action', action })));
  setupBox.hidden = setupBox.childElementCount === 0;
  send.disabled = busy;
  app.classList.toggle('busy', busy);
  stop.hidden = !busy;
  stop.disabled = !busy;
  if (!busy) {
    // The conversation changed (an answer, a compaction, another conversation): measure the next request again.
    meter.schedule();
  }
}

/**
 * Streaming re-renders are batched: at most one per animation frame, and after a slow render
 * (a long answer) the next waits twice as long as that render took, so rendering never takes
 * more than about a third of the time and typing stays responsive.
 */
function scheduleTurn(id: string): void {
  dirty.add(id);
  if (frame === 0) {
    const wait = Math.max(0, lastRenderMs * 2 - (performance.now() - lastRenderEnd));
    frame = wait > 16 ? window.setTimeout(() => (frame = requestAnimationFrame(flush)), wait) : requestAnimationFrame(flush);
  }
}

function flush(): void {
  const started = performance.now();
  frame = 0;
  const stick = nearBottom();
  for (const id of dirty) {
    const turn = turns.find((t) => t.id === id);
    const old = log.querySelector(`[data-turn="${CSS.escape(id)}"]`);
    if (turn && old) {
      // Keep expanded <details> open across re-renders.
      const open = Array.from(old.querySelectorAll('details')).map((d) => d.open);
      const fresh = renderTurn(turn, actions, turn === turns.at(-1));
      Array.from(fresh.querySelectorAll('details')).forEach((d, i) => (d.open = open[i] ?? d.open));
      old.replaceWith(fresh);
    }
  }
  dirty.clear();
  numberCodeBlocks(log);
  if (stick) {
    log.scrollTop = log.scrollHeight;
  }
  persist();
  lastRenderEnd = performance.now();
  lastRenderMs = lastRenderEnd - started;
}

function handle(msg: HostToWebview): void {
  switch (msg.type) {
    case 'snapshot':
      turns = [...msg.turns];
      busy = msg.busy;
      setup = msg.setup;
      heading.textContent = msg.title ?? '';
      heading.hidden = msg.title === undefined;
      renderAll();
      persist();
      return;
    case 'snapshotTurns':
      turns = [...msg.turns];
      renderAll();
      persist();
      return;
    case 'turnStarted':
      turns = [...turns.filter((t) => t.id !== msg.turn.id), msg.turn];
      busy = true;
      renderAll();
      persist();
      return;
    case 'event': {
      const i = turns.findIndex((t) => t.id === msg.turnId);
      if (i >= 0) {
        turns[i] = applyChatEvent(turns[i], msg.event);
        scheduleTurn(msg.turnId);
      }
      return;
    }
    case 'busy':
      busy = msg.busy;
      renderChrome();
      return;
    case 'setup':
      setup = msg.setup;
      renderChrome();
      return;
    case 'models':
      renderModels(msg.models, msg.current);
      images.setVision({ current: msg.current, vision: msg.vision ?? [], ...(msg.visionModel ? { visionModel: msg.visionModel } : {}) });
      meter.schedule();
      return;
    case 'contextMeter':
    case 'totals':
    case 'restoreDraft':
      handleCost(msg);
      return;
    case 'focusInput':
      input.focus();
      return;
    case 'context':
      chips.update(msg.active, msg.added);
      return;
    case 'mentionResults':
      mentions.results(msg.seq, msg.items);
      return;
  }
}

/** The meter's readings, the totals, and a question the budget kept back. */
function handleCost(msg: Extract<HostToWebview, { type: 'contextMeter' | 'totals' | 'restoreDraft' }>): void {
  if (msg.type === 'contextMeter') {
    meter.reading(msg.seq, msg.reading);
  } else if (msg.type === 'totals') {
    meter.showTotals(msg.conversation, msg.today, msg.dailyLimit, turns.length > 0);
  } else {
    if (input.value.trim() === '') {
      input.value = msg.text;
      persist();
    }
    input.focus();
  }
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const msg = parseHostMessage(e.data);
  if (msg) {
    handle(msg);
  }
});

renderAll();
host.post({ type: 'ready' });
