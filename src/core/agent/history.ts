/**
 * One chat session's memory. The API is stateless, so every request resends the history
 * (docs/reference/kimi-api.md#conversation-state); this class keeps it whole and well-formed, and picks what fits:
 * the system prompt always first, then the summary of earlier turns (if the conversation was compacted),
 * then the newest complete "units" (a user message, an answer, or an assistant tool-call message together
 * with all of its tool results — never split, or Kimi answers "tool_call_id not found", #tool-calls).
 * Reasoning is never stored or sent back (#reasoning).
 *
 * Compaction (compaction.ts) moves summarised messages to an archive instead of deleting them, so Edit
 * and Regenerate can still go back to a turn the summary covers.
 */
import { AppError } from '../errors';
import type { ChatMessage, ImageInput, ToolCall } from '../kimi/types';
import { badHistory, isRecord, parseMessages, parseSummaries, type HistorySummary } from './historyJson';
import { capImages } from './historyImages';
import { estimateMessagesTokens } from './tokens';
import { fitToolResult } from './toolResultFit';

export type { HistorySummary } from './historyJson';

/** Version 2 adds the archive and the summaries; version 1 is still read. */
export const HISTORY_VERSION = 2;
/**
 * A tool result longer than this is shortened (whole items dropped, valid JSON kept). Large enough
 * that the default search (8 hits of up to 2,000 characters, with paths and citations) and a
 * read_file page (up to 40,000 characters) arrive whole.
 */
export const DEFAULT_MAX_TOOL_RESULT_CHARS = 48_000;

export interface SerializedHistory {
  readonly version: typeof HISTORY_VERSION;
  readonly systemPrompt: string;
  /** The messages sent to the model (after the summary, if any). */
  readonly messages: readonly ChatMessage[];
  /** Messages a summary replaced, kept for going back to an earlier turn. */
  readonly archived?: readonly ChatMessage[];
  readonly summaries?: readonly HistorySummary[];
}

export interface ToolResultMessage {
  readonly tool_call_id: string;
  readonly name: string;
  readonly content: string;
}

export interface WindowOptions {
  /** Tokens the messages (system prompt included) may use. */
  readonly maxPromptTokens: number;
  /** Token counter; defaults to the local estimate. */
  readonly count?: (messages: readonly ChatMessage[]) => number;
}

export interface HistoryWindow {
  readonly messages: ChatMessage[];
  /** How many stored messages were left out. */
  readonly dropped: number;
  /** How many of the left-out messages were user questions. */
  readonly droppedTurns: number;
}

const OMITTED_NOTE = '\n\n(Earlier parts of this conversation were left out to fit the context window.)';

/** The system message that carries a summary (the docs suggest putting summaries in a system message). */
export function summaryMessage(summary: HistorySummary): ChatMessage {
  return { role: 'system', content: `Summary of the earlier part of this conversation (${summary.turns} turn${summary.turns === 1 ? '' : 's'}):\n${summary.text}` };
}

export class ChatHistory {
  private system: string;
  private items: ChatMessage[] = [];
  private archived: ChatMessage[] = [];
  private stack: HistorySummary[] = [];
  readonly maxToolResultChars: number;

  constructor(options: { systemPrompt?: string; maxToolResultChars?: number } = {}) {
    this.system = options.systemPrompt ?? '';
    this.maxToolResultChars = options.maxToolResultChars ?? DEFAULT_MAX_TOOL_RESULT_CHARS;
  }

  get systemPrompt(): string {
    return this.system;
  }

  setSystemPrompt(text: string): void {
    this.system = text;
  }

  /** The messages sent after the summary (all of them until the conversation is compacted), without the system prompt. */
  get messages(): readonly ChatMessage[] {
    return this.items;
  }

  /** Every message of the conversation, summarised ones included: what Edit and Regenerate count in. */
  get length(): number {
    return this.archived.length + this.items.length;
  }

  /** The summary that stands for the archived messages, if the conversation was compacted. */
  get summary(): HistorySummary | undefined {
    return this.stack.at(-1);
  }

  get summaries(): readonly HistorySummary[] {
    return this.stack;
  }

  clear(): void {
    this.items = [];
    this.archived = [];
    this.stack = [];
  }

  addUser(content: string, images: readonly ImageInput[] = []): void {
    this.items.push(images.length > 0 ? { role: 'user', content, images: images.map((i) => ({ url: i.url })) } : { role: 'user', content });
  }

  /** Keeps the newest images (archived messages included) within `maxChars` of data URLs; see capImages. */
  capImages(maxChars: number): number {
    return capImages([this.items, this.archived], maxChars);
  }

  /** The images of the message at `index` of the whole conversation (counted as `length` counts), for asking it again. */
  imagesAt(index: number): readonly ImageInput[] {
    const m = index < this.archived.length ? this.archived[index] : this.items[index - this.archived.length];
    return m?.role === 'user' ? (m.images ?? []) : [];
  }

  addAssistant(content: string): void {
    this.items.push({ role: 'assistant', content });
  }

  /**
   * Adds an assistant tool-call message and its results in one step, so a failure half-way
   * through a round can never leave a dangling call behind.
   */
  addToolRound(content: string, toolCalls: readonly ToolCall[], results: readonly ToolResultMessage[]): void {
    const ids = toolCalls.map((c) => c.id);
    if (toolCalls.length === 0 || new Set(ids).size !== ids.length) {
      throw new AppError('A tool round needs at least one tool call, with unique ids.');
    }
    const byId = new Map(results.map((r) => [r.tool_call_id, r]));
    if (results.length !== toolCalls.length || ids.some((id) => !byId.has(id))) {
      throw new AppError('Every tool call needs exactly one result.');
    }
    this.items.push({ role: 'assistant', content, tool_calls: toolCalls.map((c) => ({ ...c, function: { ...c.function } })) });
    for (const id of ids) {
      const r = byId.get(id) as ToolResultMessage;
      this.items.push({ role: 'tool', tool_call_id: id, name: r.name, content: fitToolResult(r.content, this.maxToolResultChars) });
    }
  }

  /** Shortens the tool results among the first `end` sent messages to `maxChars` (valid JSON kept); returns how many changed. */
  shortenToolResults(end: number, maxChars: number): number {
    let changed = 0;
    this.items = this.items.map((m, i) => {
      if (i >= end || m.role !== 'tool' || m.content.length <= maxChars) {
        return m;
      }
      changed++;
      return { ...m, content: fitToolResult(m.content, maxChars) };
    });
    return changed;
  }

  /** Indexes (into `messages`) where a user turn starts: the only places a summary may end. */
  turnStarts(): number[] {
    return this.items.flatMap((m, i) => (m.role === 'user' ? [i] : []));
  }

  /** Replaces the first `count` sent messages (whole turns) by a summary; they move to the archive. */
  summarise(count: number, text: string, id: string): HistorySummary {
    if (count <= 0 || count > this.items.length || (count < this.items.length && this.items[count]?.role !== 'user')) {
      throw new AppError('A summary must cover whole turns.');
    }
    const covered = this.items.slice(0, count);
    const turns = (this.summary?.turns ?? 0) + covered.filter((m) => m.role === 'user').length;
    this.archived.push(...covered);
    this.items = this.items.slice(count);
    const summary: HistorySummary = { id, text, upTo: this.archived.length, turns };
    this.stack.push(summary);
    return summary;
  }

  /** Goes back to the first `size` messages of the conversation; summaries of later messages are dropped. */
  rewind(size: number): void {
    const all = [...this.archived, ...this.items];
    this.stack = this.stack.filter((s) => s.upTo <= size);
    const kept = this.summary?.upTo ?? 0;
    this.archived = all.slice(0, kept);
    this.items = all.slice(kept, Math.max(kept, size));
  }

  /** Everything the next request would carry if nothing were left out. */
  requestMessages(): ChatMessage[] {
    return [{ role: 'system', content: this.system }, ...(this.summary ? [summaryMessage(this.summary)] : []), ...this.items];
  }

  /** Splits the stored messages into units that must be kept or dropped together. */
  private units(): ChatMessage[][] {
    const units: ChatMessage[][] = [];
    for (const m of this.items) {
      if (m.role === 'tool') {
        units[units.length - 1]?.push(m);
      } else {
        units.push([m]);
      }
    }
    return units;
  }

  /** The messages to send: system and summary first, then the newest whole units that fit the budget. */
  window(options: WindowOptions): HistoryWindow {
    const count = options.count ?? estimateMessagesTokens;
    const all = this.requestMessages();
    if (count(all) <= options.maxPromptTokens) {
      return { messages: all, dropped: 0, droppedTurns: 0 };
    }
    const units = this.units();
    const head: ChatMessage[] = this.summary ? [summaryMessage(this.summary)] : [];
    const noted: ChatMessage[] = [{ role: 'system', content: this.system + OMITTED_NOTE }, ...head];
    const budget0 = options.maxPromptTokens - count(noted);
    let budget = budget0;
    const kept: ChatMessage[][] = [];
    let i = units.length - 1;
    for (; i >= 0; i--) {
      const cost = count(units[i]);
      if (cost > budget) {
        break;
      }
      budget -= cost;
      kept.unshift(units[i]);
    }
    if (i >= 0) {
      // The question being answered must survive even when this run's own tool rounds are large:
      // keep the last user message and drop the oldest rounds after it instead.
      const lastUser = findLastIndex(units, (u) => u[0]?.role === 'user');
      if (lastUser >= 0 && lastUser <= i) {
        const question = units[lastUser];
        let rest = budget0 - count(question);
        const after: ChatMessage[][] = [];
        for (let j = units.length - 1; j > lastUser; j--) {
          const cost = count(units[j]);
          if (cost > rest) {
            break;
          }
          rest -= cost;
          after.unshift(units[j]);
        }
        kept.splice(0, kept.length, question, ...after);
      }
    }
    const messages = kept.flat();
    const dropped = this.items.length - messages.length;
    const keptSet = new Set(messages);
    const droppedTurns = this.items.filter((m) => m.role === 'user' && !keptSet.has(m)).length;
    return {
      messages: [...noted, ...messages],
      dropped,
      droppedTurns,
    };
  }

  toJSON(): SerializedHistory {
    const copy = (ms: readonly ChatMessage[]): ChatMessage[] => ms.map((m) => ({ ...m }));
    return {
      version: HISTORY_VERSION,
      systemPrompt: this.system,
      messages: copy(this.items),
      ...(this.archived.length > 0 ? { archived: copy(this.archived) } : {}),
      ...(this.stack.length > 0 ? { summaries: this.stack.map((s) => ({ ...s })) } : {}),
    };
  }

  /** Rebuilds a history saved with toJSON() (this version or version 1); throws AppError on anything malformed. */
  static fromJSON(data: unknown, options: { maxToolResultChars?: number } = {}): ChatHistory {
    if (!isRecord(data) || (data.version !== HISTORY_VERSION && data.version !== 1)) {
      throw badHistory('unknown format or version');
    }
    if (typeof data.systemPrompt !== 'string' || !Array.isArray(data.messages) || (data.archived !== undefined && !Array.isArray(data.archived))) {
      throw badHistory('missing systemPrompt or messages');
    }
    const history = new ChatHistory({ systemPrompt: data.systemPrompt, maxToolResultChars: options.maxToolResultChars });
    history.items = parseMessages(data.messages).map((m) => (m.role === 'tool' ? { ...m, content: fitToolResult(m.content, history.maxToolResultChars) } : m));
    history.archived = parseMessages(Array.isArray(data.archived) ? data.archived : [], 'archived message');
    history.stack = parseSummaries(data.summaries, history.archived.length);
    if ((history.summary?.upTo ?? 0) !== history.archived.length || history.items[0]?.role === 'tool') {
      throw badHistory('the summary does not match the archived messages');
    }
    return history;
  }
}

function findLastIndex<T>(items: readonly T[], pred: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) {
    if (pred(items[i])) {
      return i;
    }
  }
  return -1;
}
