/**
 * The message protocol between the extension host and the chat webview. Every message that
 * crosses the boundary is one of these unions, and every incoming message is validated: the
 * webview renders untrusted model output, so the host treats whatever it posts as hostile.
 * Browser-safe: no node, no vscode, no core imports.
 */
import type { ChatEvent, Mention, SourceLink, Turn } from './chatModel';
import { type ImageAttachment, MAX_IMAGES, parseImage } from './images';
import type { Money, MeterReading, SpendTotalView } from './cost';
import { isObj, isString, MAX_MENTIONS, parseMention, parseSourceLink, type Obj } from './validate';

export { MAX_MENTIONS, parseMention, parseSourceLink } from './validate';

/** What the first-run view needs to say what is missing. */
export interface SetupState {
  readonly hasKimiKey: boolean;
  /** At least one workspace folder has an index. */
  readonly indexed: boolean;
  readonly indexing: boolean;
  /** Restricted Mode: chat works, indexing and file tools do not. */
  readonly trusted: boolean;
  readonly hasWorkspace: boolean;
}

/** Editor context a question can carry, shown as a removable chip above the input. */
export interface ContextChip {
  /** "active" for the live chip of the active editor; otherwise an added selection. */
  readonly id: string;
  readonly label: string;
  readonly kind: 'selection' | 'cursor';
  readonly source: SourceLink;
}

export type HostToWebview =
  /** The whole conversation; sent when the view (re)loads and after New chat. */
  | {
      readonly type: 'snapshot';
      readonly turns: readonly Turn[];
      readonly busy: boolean;
      readonly setup: SetupState;
      /** The open conversation's title (none for a new chat). */
      readonly title?: string;
    }
  /** The turns changed other than by a stream (Edit, Regenerate, a fixed error); the rest is unchanged. */
  | { readonly type: 'snapshotTurns'; readonly turns: readonly Turn[] }
  | { readonly type: 'turnStarted'; readonly turn: Turn }
  | { readonly type: 'event'; readonly turnId: string; readonly event: ChatEvent }
  | { readonly type: 'busy'; readonly busy: boolean }
  | { readonly type: 'setup'; readonly setup: SetupState }
  /**
   * Kimi's models (GET /models) for the model picker, and the configured one; `vision`: those of
   * them (and the current one) that take images, `visionModel`: the one to offer for an image.
   */
  | { readonly type: 'models'; readonly models: readonly string[]; readonly current: string; readonly vision?: readonly string[]; readonly visionModel?: string }
  | { readonly type: 'focusInput' }
  /** Files and folders matching what follows an @ in the input; `seq` echoes the query's. */
  | { readonly type: 'mentionResults'; readonly seq: number; readonly items: readonly Mention[] }
  /** The chips for the next question: the active editor's (if any) and the added selections. */
  | { readonly type: 'context'; readonly active?: ContextChip; readonly added: readonly ContextChip[] }
  /** The context meter's reading for the draft of query `seq`. */
  | { readonly type: 'contextMeter'; readonly seq: number; readonly reading: MeterReading }
  /** What the open conversation and today's chat in this workspace cost, and the daily limit if set. */
  | { readonly type: 'totals'; readonly conversation: SpendTotalView; readonly today: SpendTotalView; readonly dailyLimit?: Money }
  /** A question that was not sent (the user kept within the budget): back into the input. */
  | { readonly type: 'restoreDraft'; readonly text: string };

/** Host actions the webview's buttons may trigger; a closed list, never a command id. */
export const WEBVIEW_ACTIONS = ['setKimiApiKey', 'indexWorkspace', 'showLogs', 'manageTrust'] as const;
export type WebviewAction = (typeof WEBVIEW_ACTIONS)[number];

export type WebviewToHost =
  | { readonly type: 'ready' }
  /** `context`: ids of the chips the user kept (see ContextChip). `text` may be empty when images are attached. */
  | {
      readonly type: 'send';
      readonly text: string;
      readonly context?: readonly string[];
      readonly mentions?: readonly Mention[];
      readonly images?: readonly ImageAttachment[];
    }
  /** What the user typed after @, for the file and folder suggestions. */
  | { readonly type: 'mentionQuery'; readonly query: string; readonly seq: number }
  | { readonly type: 'removeContext'; readonly id: string }
  | { readonly type: 'stop' }
  /** Ask a sent question again: Regenerate and Retry keep its text, Edit sends new text. */
  | { readonly type: 'resend'; readonly turnId: string; readonly text?: string }
  | { readonly type: 'newChat' }
  /** Open the list of conversations (switch, rename, delete). */
  | { readonly type: 'conversations' }
  | { readonly type: 'openSource'; readonly source: SourceLink }
  | { readonly type: 'insertCode'; readonly code: string }
  | { readonly type: 'copyCode'; readonly code: string }
  /** Propose a code block for a file: the host shows a diff the user accepts or rejects. */
  | { readonly type: 'applyCode'; readonly code: string; readonly target: SourceLink; readonly wholeFile: boolean }
  | { readonly type: 'action'; readonly action: WebviewAction }
  | { readonly type: 'setModel'; readonly model: string }
  /** Measure the next request for the context meter: the draft and what would go with it. */
  | { readonly type: 'measure'; readonly seq: number; readonly text: string; readonly context?: readonly string[]; readonly mentions?: readonly Mention[] }
  /** Compact Conversation, from the meter's button. */
  | { readonly type: 'compact' };

/** What a model id may look like (e.g. "kimi-k2.5", "moonshot-v1-128k"). */
export const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** Longest question accepted from the webview (characters). */
export const MAX_MESSAGE_CHARS = 100_000;
/** Longest code block the webview may ask to copy or insert. */
export const MAX_CODE_CHARS = 1_000_000;

/** The text of a draft with its chip ids and mentions, validated (the text itself is checked by the caller). */
function parseDraft(data: Obj): { text: string; context?: string[]; mentions?: Mention[] } | undefined {
  const ids = data.context;
  if (ids !== undefined && !(Array.isArray(ids) && ids.length <= 50 && ids.every((id) => isString(id, 100)))) {
    return undefined;
  }
  const raw = data.mentions;
  const mentions = Array.isArray(raw) && raw.length <= MAX_MENTIONS ? raw.map(parseMention) : raw === undefined ? [] : [undefined];
  if (mentions.some((m) => m === undefined)) {
    return undefined;
  }
  return {
    text: data.text as string,
    ...(ids !== undefined ? { context: ids } : {}),
    ...(mentions.length > 0 ? { mentions: mentions as Mention[] } : {}),
  };
}

/** Returns the message when it is a well-formed WebviewToHost, undefined otherwise. */
export function parseWebviewMessage(data: unknown): WebviewToHost | undefined {
  if (!isObj(data) || typeof data.type !== 'string') {
    return undefined;
  }
  switch (data.type) {
    case 'ready':
    case 'stop':
    case 'newChat':
    case 'conversations':
    case 'compact':
      return { type: data.type };
    case 'send':
      return parseSend(data);
    case 'measure':
      return parseMeasure(data);
    case 'mentionQuery':
      return isString(data.query, 500) && typeof data.seq === 'number' && Number.isSafeInteger(data.seq)
        ? { type: 'mentionQuery', query: data.query, seq: data.seq }
        : undefined;
    case 'removeContext':
      return isString(data.id, 100) ? { type: 'removeContext', id: data.id } : undefined;
    case 'resend':
      return parseResend(data);
    case 'openSource': {
      const source = parseSourceLink(data.source);
      return source ? { type: 'openSource', source } : undefined;
    }
    case 'insertCode':
    case 'copyCode':
      return isString(data.code, MAX_CODE_CHARS) ? { type: data.type, code: data.code } : undefined;
    case 'applyCode': {
      const target = parseSourceLink(data.target);
      return target && isString(data.code, MAX_CODE_CHARS) && typeof data.wholeFile === 'boolean'
        ? { type: 'applyCode', code: data.code, target, wholeFile: data.wholeFile }
        : undefined;
    }
    case 'setModel':
      return typeof data.model === 'string' && MODEL_ID.test(data.model) ? { type: 'setModel', model: data.model } : undefined;
    case 'action':
      return typeof data.action === 'string' && (WEBVIEW_ACTIONS as readonly string[]).includes(data.action)
        ? { type: 'action', action: data.action as WebviewAction }
        : undefined;
    default:
      return undefined;
  }
}

/** A question: its text, the ids of context chips to send with it, and its @-mentions. */
function parseSend(data: Obj): WebviewToHost | undefined {
  const images = data.images === undefined ? [] : Array.isArray(data.images) && data.images.length <= MAX_IMAGES ? data.images.map(parseImage) : [undefined];
  if (images.some((i) => i === undefined) || !isString(data.text, MAX_MESSAGE_CHARS) || (data.text.trim().length === 0 && images.length === 0)) {
    return undefined;
  }
  const draft = parseDraft(data);
  return draft ? { type: 'send', ...draft, ...(images.length > 0 ? { images: images as ImageAttachment[] } : {}) } : undefined;
}

/** The context meter's request: the draft as it stands (it may be empty), numbered so stale answers are dropped. */
function parseMeasure(data: Obj): WebviewToHost | undefined {
  const draft = isString(data.text, MAX_MESSAGE_CHARS) && typeof data.seq === 'number' && Number.isSafeInteger(data.seq) ? parseDraft(data) : undefined;
  return draft ? { type: 'measure', seq: data.seq as number, ...draft } : undefined;
}

/** Retry or Regenerate (no text), or Edit (the new text). */
function parseResend(data: Obj): WebviewToHost | undefined {
  if (!isString(data.turnId, 200) || data.turnId.length === 0) {
    return undefined;
  }
  if (data.text === undefined) {
    return { type: 'resend', turnId: data.turnId };
  }
  return isString(data.text, MAX_MESSAGE_CHARS) && data.text.trim().length > 0 ? { type: 'resend', turnId: data.turnId, text: data.text } : undefined;
}

const HOST_TYPES: ReadonlySet<string> = new Set([
  'snapshot',
  'snapshotTurns',
  'turnStarted',
  'event',
  'busy',
  'setup',
  'models',
  'focusInput',
  'context',
  'mentionResults',
  'contextMeter',
  'totals',
  'restoreDraft',
]);

/**
 * Shallow check of a host message in the webview. The host is trusted, but messages can also
 * come from stale state or other frames, so the shape is checked before use.
 */
export function parseHostMessage(data: unknown): HostToWebview | undefined {
  if (!isObj(data) || typeof data.type !== 'string' || !HOST_TYPES.has(data.type)) {
    return undefined;
  }
  switch (data.type) {
    case 'snapshot':
      return Array.isArray(data.turns) && data.turns.every(isTurn) && typeof data.busy === 'boolean' && isSetup(data.setup)
        ? (data as HostToWebview)
        : undefined;
    case 'snapshotTurns':
      return Array.isArray(data.turns) && data.turns.every(isTurn) ? (data as HostToWebview) : undefined;
    case 'turnStarted':
      return isTurn(data.turn) ? (data as HostToWebview) : undefined;
    case 'event':
      return typeof data.turnId === 'string' && isObj(data.event) && typeof data.event.type === 'string'
        ? (data as HostToWebview)
        : undefined;
    case 'busy':
      return typeof data.busy === 'boolean' ? (data as HostToWebview) : undefined;
    case 'setup':
      return isSetup(data.setup) ? (data as HostToWebview) : undefined;
    case 'models':
      return Array.isArray(data.models) && data.models.every((m) => typeof m === 'string') && typeof data.current === 'string'
        ? (data as HostToWebview)
        : undefined;
    case 'context':
      return Array.isArray(data.added) && (data.active === undefined || isObj(data.active)) ? (data as HostToWebview) : undefined;
    case 'mentionResults':
      return typeof data.seq === 'number' && Array.isArray(data.items) && data.items.every((m) => parseMention(m) !== undefined)
        ? (data as HostToWebview)
        : undefined;
    case 'contextMeter':
      return typeof data.seq === 'number' && isObj(data.reading) && isCount(data.reading.tokens) && isCount(data.reading.window) && isObj(data.reading.parts)
        ? (data as HostToWebview)
        : undefined;
    case 'totals':
      return isObj(data.conversation) && isObj(data.today) && isObj(data.conversation.costs) && isObj(data.today.costs) ? (data as HostToWebview) : undefined;
    case 'restoreDraft':
      return typeof data.text === 'string' ? (data as HostToWebview) : undefined;
    default:
      return { type: 'focusInput' };
  }
}

/** Structural check used for persisted and posted turns. */
export function isTurn(v: unknown): v is Turn {
  return (
    isObj(v) &&
    typeof v.id === 'string' &&
    typeof v.question === 'string' &&
    typeof v.answer === 'string' &&
    typeof v.reasoning === 'string' &&
    Array.isArray(v.tools) &&
    Array.isArray(v.sources) &&
    (v.status === 'streaming' || v.status === 'done' || v.status === 'error' || v.status === 'cancelled')
  );
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function isSetup(v: unknown): v is SetupState {
  return (
    isObj(v) &&
    typeof v.hasKimiKey === 'boolean' &&
    typeof v.indexed === 'boolean' &&
    typeof v.indexing === 'boolean' &&
    typeof v.trusted === 'boolean' &&
    typeof v.hasWorkspace === 'boolean'
  );
}
