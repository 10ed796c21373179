/**
 * One chat session's memory. The API is stateless, so every request resends the history
 * (docs/reference/kimi-api.md#conversation-state); this class keeps it whole and well-formed, and picks what fits:
 * the system prompt always first, then the newest complete "units" (a user message, an answer,
 * or an assistant tool-call message together with all of its tool results — never split,
 * or Kimi answers "tool_call_id not found", #tool-calls). Reasoning is never stored or sent back (#reasoning).
 */
import { AppError } from '../errors';
import type { ChatMessage, ImageInput, ToolCall } from '../kimi/types';
import { estimateMessagesTokens } from './tokens';
import { fitToolResult } from './toolResultFit';

export const HISTORY_VERSION = 1;
/**
 * A tool result longer than this is shortened (whole items dropped, valid JSON kept). Large enough
 * that the default search (8 hits of up to 2,000 characters, with paths and citations) and a
 * read_file page (up to 40,000 characters) arrive whole.
 */
export const DEFAULT_MAX_TOOL_RESULT_CHARS = 48_000;

export interface SerializedHistory {
  readonly version: typeof HISTORY_VERSION;
  readonly systemPrompt: string;
  readonly messages: readonly ChatMessage[];
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
}

const OMITTED_NOTE = '\n\n(Earlier parts of this conversation were left out to fit the context window.)';

export class ChatHistory {
  private system: string;
  private readonly items: ChatMessage[] = [];
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

  /** Stored messages, without the system prompt. */
  get messages(): readonly ChatMessage[] {
    return this.items;
  }

  get length(): number {
    return this.items.length;
  }

  clear(): void {
    this.items.length = 0;
  }

  addUser(content: string, images: readonly ImageInput[] = []): void {
    this.items.push(images.length > 0 ? { role: 'user', content, images: images.map((i) => ({ url: i.url })) } : { role: 'user', content });
  }

  /**
   * Keeps the newest images within `maxChars` of data URLs (what is saved and resent); older ones
   * leave the history and a note says so. Returns how many were dropped.
   */
  capImages(maxChars: number): number {
    let kept = 0;
    let dropped = 0;
    for (let i = this.items.length - 1; i >= 0; i--) {
      const m = this.items[i];
      if (m?.role !== 'user' || !m.images) {
        continue;
      }
      const keep = m.images.filter((img) => (kept + img.url.length <= maxChars ? ((kept += img.url.length), true) : false));
      if (keep.length < m.images.length) {
        dropped += m.images.length - keep.length;
        const note = `${m.content}${m.content ? '\n\n' : ''}(${m.images.length - keep.length} image(s) attached here are no longer kept.)`;
        this.items[i] = keep.length > 0 ? { role: 'user', content: note, images: keep } : { role: 'user', content: note };
      }
    }
    return dropped;
  }

  /** The images of the stored message at `index` (a user message), for asking it again. */
  imagesAt(index: number): readonly ImageInput[] {
    const m = this.items[index];
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
      this.items.push({ role: 'tool', tool_call_id: id, name: r.name, content: this.truncate(r.content) });
    }
  }

  private truncate(content: string): string {
    return fitToolResult(content, this.maxToolResultChars);
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

  /** The messages to send: system first, then the newest whole units that fit the budget. */
  window(options: WindowOptions): HistoryWindow {
    const count = options.count ?? estimateMessagesTokens;
    const units = this.units();
    const system: ChatMessage = { role: 'system', content: this.system };
    let budget = options.maxPromptTokens - count([{ role: 'system', content: this.system + OMITTED_NOTE }]);
    const kept: ChatMessage[][] = [];
    let i = units.length - 1;
    for (; i >= 0; i--) {
      const cost = count(units[i] as ChatMessage[]);
      if (cost > budget) {
        break;
      }
      budget -= cost;
      kept.unshift(units[i] as ChatMessage[]);
    }
    if (i >= 0) {
      // The question being answered must survive even when this run's own tool rounds are large:
      // keep the last user message and drop the oldest rounds after it instead.
      const lastUser = findLastIndex(units, (u) => u[0]?.role === 'user');
      if (lastUser >= 0 && lastUser <= i) {
        const question = units[lastUser] as ChatMessage[];
        let rest = options.maxPromptTokens - count([{ role: 'system', content: this.system + OMITTED_NOTE }]) - count(question);
        const after: ChatMessage[][] = [];
        for (let j = units.length - 1; j > lastUser; j--) {
          const cost = count(units[j] as ChatMessage[]);
          if (cost > rest) {
            break;
          }
          rest -= cost;
          after.unshift(units[j] as ChatMessage[]);
        }
        kept.splice(0, kept.length, question, ...after);
      }
    }
    const messages = kept.flat();
    const dropped = this.items.length - messages.length;
    return {
      messages: [dropped > 0 ? { role: 'system', content: this.system + OMITTED_NOTE } : system, ...messages],
      dropped,
    };
  }

  toJSON(): SerializedHistory {
    return { version: HISTORY_VERSION, systemPrompt: this.system, messages: this.items.map((m) => ({ ...m })) };
  }

  /** Rebuilds a history saved with toJSON(); throws AppError on anything malformed. */
  static fromJSON(data: unknown, options: { maxToolResultChars?: number } = {}): ChatHistory {
    const bad = (why: string): AppError => new AppError(`The saved chat history is invalid (${why}); start a new chat.`);
    if (!isRecord(data) || data.version !== HISTORY_VERSION) {
      throw bad('unknown format or version');
    }
    if (typeof data.systemPrompt !== 'string' || !Array.isArray(data.messages)) {
      throw bad('missing systemPrompt or messages');
    }
    const history = new ChatHistory({ systemPrompt: data.systemPrompt, maxToolResultChars: options.maxToolResultChars });
    const raw: unknown[] = data.messages;
    for (let k = 0; k < raw.length; k++) {
      const m = raw[k];
      if (!isRecord(m) || typeof m.content !== 'string') {
        throw bad(`message ${k} has no text content`);
      }
      if (m.role === 'user') {
        history.addUser(m.content, parseImages(m.images));
      } else if (m.role === 'assistant' && (m.tool_calls === undefined || (Array.isArray(m.tool_calls) && m.tool_calls.length === 0))) {
        history.addAssistant(m.content);
      } else if (m.role === 'assistant' && Array.isArray(m.tool_calls)) {
        const calls = m.tool_calls.map((c, n) => parseToolCall(c, () => bad(`message ${k} tool call ${n} is malformed`)));
        const results: ToolResultMessage[] = [];
        while (results.length < calls.length) {
          const t = raw[k + 1 + results.length];
          if (!isRecord(t) || t.role !== 'tool' || typeof t.tool_call_id !== 'string' || typeof t.content !== 'string') {
            throw bad(`message ${k} has tool calls without their results`);
          }
          results.push({ tool_call_id: t.tool_call_id, name: typeof t.name === 'string' ? t.name : '', content: t.content });
        }
        try {
          history.addToolRound(m.content, calls, results);
        } catch (err) {
          throw bad(`message ${k}: ${err instanceof Error ? err.message : String(err)}`);
        }
        k += results.length;
      } else {
        throw bad(`message ${k} has an unexpected role`);
      }
    }
    return history;
  }
}

function parseImages(v: unknown): ImageInput[] {
  return Array.isArray(v) ? v.filter((i): i is ImageInput => isRecord(i) && typeof i.url === 'string' && i.url.startsWith('data:image/')) : [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function parseToolCall(v: unknown, bad: () => AppError): ToolCall {
  if (!isRecord(v) || typeof v.id !== 'string' || !isRecord(v.function)) {
    throw bad();
  }
  const { name, arguments: args } = v.function;
  if (typeof name !== 'string' || typeof args !== 'string') {
    throw bad();
  }
  return { id: v.id, type: 'function', function: { name, arguments: args } };
}

function findLastIndex<T>(items: readonly T[], pred: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) {
    if (pred(items[i] as T)) {
      return i;
    }
  }
  return -1;
}
