/**
 * The chat as the UI sees it: a list of turns, each a question and the answer being built from
 * stream events. Both the extension host (which persists it) and the webview (which renders it)
 * fold the same events with `applyChatEvent`, so the two copies cannot drift apart.
 * Browser-safe: no node, no vscode, no core imports.
 */
import type { Money } from './cost';

export interface SourceLink {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  /** Absolute workspace folder the path is relative to, when known. */
  readonly root?: string;
  /** A document's page, slide or sheet (`p.12`, `slide 3`, `sheet 2`): cited and opened instead of the lines. */
  readonly locator?: string;
}

/** A workspace file or folder the user mentioned with @ (path relative to its folder, folders end in /). */
export interface Mention {
  readonly kind: 'file' | 'folder';
  readonly path: string;
  /** Absolute workspace folder the path is relative to. */
  readonly root?: string;
}

/** An image sent with a question, as the chat shows it: a small preview (the model got the full image). */
export interface ChatImage {
  readonly name: string;
  /** A small data URL; absent once the conversation's storage cap dropped it. */
  readonly thumbnail?: string;
}

export interface ToolLine {
  readonly callId: string;
  readonly name: string;
  /** Arguments as compact JSON, for the expandable details. */
  readonly args: string;
  readonly status: 'running' | 'ok' | 'failed';
  readonly summary?: string;
  readonly durationMs?: number;
}

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** Prompt tokens served from Kimi's cache (part of promptTokens). */
  readonly cachedTokens?: number;
  /** Absent when the model has no known price: tokens only. */
  readonly cost?: Money;
}

/** Earlier turns were summarised into one message (shown after the last turn it covers, collapsed). */
export interface SummaryMarker {
  readonly id: string;
  readonly text: string;
  /** User turns the summary covers, earlier summaries included. */
  readonly turns: number;
  readonly manual: boolean;
  /** What the summary request cost, for Compact Conversation (an automatic one is in its answer's usage). */
  readonly usage?: Usage;
}

/** What was done to fit a request into the context window, other than a summary. */
export interface ContextNote {
  readonly shortenedResults: number;
  readonly leftOutMessages?: number;
  readonly leftOutTurns?: number;
  /** Why no summary could be made. */
  readonly failure?: string;
}

export type TurnStatus = 'streaming' | 'done' | 'error' | 'cancelled';

export interface Turn {
  readonly id: string;
  readonly question: string;
  readonly answer: string;
  readonly reasoning: string;
  readonly tools: readonly ToolLine[];
  readonly sources: readonly SourceLink[];
  readonly status: TurnStatus;
  readonly usage?: Usage;
  readonly error?: string;
  /** Which failure `error` is ("kimi/auth", "config/kimi-key-missing"…), so the host can tell when a later action fixed it. */
  readonly errorCode?: string;
  /** Set while the client waits to retry a rate-limited request. */
  readonly notice?: string;
  /** The step limit ended the loop; the answer is what the model had gathered. */
  readonly incomplete?: boolean;
  /** Editor context sent with the question (selections, cursor lines), shown as chips. */
  readonly attachments?: readonly SourceLink[];
  /** Files and folders mentioned with @, shown as chips on the question. */
  readonly mentions?: readonly Mention[];
  /** Images pasted, dropped or attached to the question, shown as thumbnails on it. */
  readonly images?: readonly ChatImage[];
  /** The turns up to and including this one were summarised after it. */
  readonly summary?: SummaryMarker;
  /** The request of this turn had to be fitted into the window. */
  readonly contextNote?: ContextNote;
}

/** The stream events a turn is built from (a JSON-safe subset of the core agent events). */
export type ChatEvent =
  | { readonly type: 'textDelta'; readonly text: string }
  | { readonly type: 'reasoningDelta'; readonly text: string }
  | { readonly type: 'toolStarted'; readonly callId: string; readonly name: string; readonly args: string }
  | {
      readonly type: 'toolFinished';
      readonly callId: string;
      readonly name: string;
      readonly success: boolean;
      readonly summary: string;
      readonly sources: readonly SourceLink[];
      readonly durationMs: number;
    }
  | { readonly type: 'usage'; readonly usage: Usage }
  | { readonly type: 'contextNote'; readonly note: ContextNote }
  | { readonly type: 'summarised'; readonly summary: SummaryMarker }
  | { readonly type: 'retry'; readonly reason: string; readonly delayMs: number }
  | { readonly type: 'done'; readonly text: string; readonly usage: Usage; readonly incomplete: boolean }
  | { readonly type: 'error'; readonly message: string; readonly cancelled: boolean; readonly code?: string };

/** At most this many sources are kept per answer; search tools can return many more. */
export const MAX_SOURCES_PER_TURN = 24;

export function newTurn(id: string, question: string, attachments: readonly SourceLink[] = [], mentions: readonly Mention[] = [], images: readonly ChatImage[] = []): Turn {
  const turn: Turn = { id, question, answer: '', reasoning: '', tools: [], sources: [], status: 'streaming' };
  return { ...turn, ...(attachments.length > 0 ? { attachments } : {}), ...(mentions.length > 0 ? { mentions } : {}), ...(images.length > 0 ? { images } : {}) };
}

/** Folds one event into a turn and returns the new turn (the input is not modified). */
export function applyChatEvent(turn: Turn, event: ChatEvent): Turn {
  switch (event.type) {
    case 'textDelta':
      return { ...turn, answer: turn.answer + event.text, notice: undefined };
    case 'reasoningDelta':
      return { ...turn, reasoning: turn.reasoning + event.text, notice: undefined };
    case 'toolStarted':
      return {
        ...turn,
        notice: undefined,
        tools: [...turn.tools, { callId: event.callId, name: event.name, args: event.args, status: 'running' }],
      };
    case 'toolFinished':
      return {
        ...turn,
        tools: turn.tools.map((t) =>
          t.callId === event.callId
            ? { ...t, status: event.success ? 'ok' : 'failed', summary: event.summary, durationMs: event.durationMs }
            : t,
        ),
        sources: mergeSources(turn.sources, event.sources),
      };
    case 'usage':
      return { ...turn, usage: event.usage };
    case 'contextNote':
      return { ...turn, contextNote: mergeNotes(turn.contextNote, event.note) };
    case 'summarised':
      return { ...turn, summary: event.summary };
    case 'retry':
      return { ...turn, notice: `${event.reason} Retrying in ${Math.ceil(event.delayMs / 1000)} s…` };
    case 'done':
      return {
        ...turn,
        // The final text is authoritative: it repairs any delta lost on the way.
        answer: event.text.length > 0 ? event.text : turn.answer,
        usage: event.usage,
        incomplete: event.incomplete,
        status: 'done',
        notice: undefined,
        tools: settleTools(turn.tools),
      };
    case 'error':
      return {
        ...turn,
        status: event.cancelled ? 'cancelled' : 'error',
        error: event.cancelled ? undefined : event.message,
        ...(event.code !== undefined && !event.cancelled ? { errorCode: event.code } : {}),
        notice: undefined,
        tools: settleTools(turn.tools),
      };
  }
}

/** Several fits within one answer (one per model step) add up. */
function mergeNotes(a: ContextNote | undefined, b: ContextNote): ContextNote {
  if (!a) {
    return b;
  }
  const left = (x?: number, y?: number): number | undefined => (x === undefined && y === undefined ? undefined : Math.max(x ?? 0, y ?? 0));
  const leftOutMessages = left(a.leftOutMessages, b.leftOutMessages);
  const leftOutTurns = left(a.leftOutTurns, b.leftOutTurns);
  const failure = b.failure ?? a.failure;
  return {
    shortenedResults: a.shortenedResults + b.shortenedResults,
    ...(leftOutMessages === undefined ? {} : { leftOutMessages }),
    ...(leftOutTurns === undefined ? {} : { leftOutTurns }),
    ...(failure === undefined ? {} : { failure }),
  };
}

/** Tools still "running" when the turn ends were cut off; show them as failed, not spinning forever. */
function settleTools(tools: readonly ToolLine[]): readonly ToolLine[] {
  return tools.some((t) => t.status === 'running')
    ? tools.map((t) => (t.status === 'running' ? { ...t, status: 'failed', summary: t.summary ?? 'Interrupted.' } : t))
    : tools;
}

function mergeSources(existing: readonly SourceLink[], added: readonly SourceLink[]): readonly SourceLink[] {
  const out = [...existing];
  const seen = new Set(existing.map(sourceKey));
  for (const s of added) {
    const key = sourceKey(s);
    if (!seen.has(key) && out.length < MAX_SOURCES_PER_TURN) {
      seen.add(key);
      out.push(s);
    }
  }
  return out;
}

function sourceKey(s: SourceLink): string {
  return s.locator ? `${s.root ?? ''}|${s.path} ${s.locator}` : `${s.root ?? ''}|${s.path}:${s.startLine}-${s.endLine}`;
}

/** `path:start-end` (or `path:line` when the range is one line), or `path p.12` for a document's page: the form the model cites. */
export function formatSource(s: SourceLink): string {
  if (s.locator) {
    return `${s.path} ${s.locator}`;
  }
  return s.startLine === s.endLine ? `${s.path}:${s.startLine}` : `${s.path}:${s.startLine}-${s.endLine}`;
}

/** What a document locator looks like in a citation: `p.12`, `slide 3`, `sheet 2`. */
export const LOCATOR = /^(?:p\.\d{1,6}|slide \d{1,6}|sheet \d{1,6})$/;

/** A turn left streaming by a crash or reload can never finish; persisted copies are settled. */
export function settleInterrupted(turn: Turn): Turn {
  return turn.status === 'streaming'
    ? { ...turn, status: 'cancelled', notice: undefined, tools: settleTools(turn.tools) }
    : turn;
}
