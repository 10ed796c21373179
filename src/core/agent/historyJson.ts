/**
 * Reading a saved ChatHistory back. Saved data comes from disk (an older version, a hand edit, a
 * crash mid-write), so every message is checked and a malformed one is a clear error, never a
 * history that Kimi would reject later ("tool_call_id not found").
 */
import { AppError } from '../errors';
import type { ChatMessage, ImageInput, ToolCall } from '../kimi/types';

/** A summary that stands for the first `upTo` messages of the conversation (docs/agent-and-tools.md#memory). */
export interface HistorySummary {
  readonly id: string;
  readonly text: string;
  /** How many messages, counted from the start of the conversation, the summary replaces. */
  readonly upTo: number;
  /** How many user turns it covers. */
  readonly turns: number;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function badHistory(why: string): AppError {
  return new AppError(`The saved chat history is invalid (${why}); start a new chat.`);
}

/** Checks a saved message list: known roles, text content, and every tool call followed by exactly its results. */
export function parseMessages(raw: readonly unknown[], where = 'message'): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (let k = 0; k < raw.length; k++) {
    const m = raw[k];
    if (!isRecord(m) || typeof m.content !== 'string') {
      throw badHistory(`${where} ${k} has no text content`);
    }
    if (m.role === 'user') {
      const images = parseImages(m.images);
      out.push(images.length > 0 ? { role: 'user', content: m.content, images } : { role: 'user', content: m.content });
    } else if (m.role === 'assistant' && (m.tool_calls === undefined || (Array.isArray(m.tool_calls) && m.tool_calls.length === 0))) {
      // Anything else on it (reasoning_content) is never sent back.
      out.push({ role: 'assistant', content: m.content });
    } else if (m.role === 'assistant' && Array.isArray(m.tool_calls)) {
      const calls = m.tool_calls.map((c, n) => parseToolCall(c, () => badHistory(`${where} ${k} tool call ${n} is malformed`)));
      const ids = new Set(calls.map((c) => c.id));
      if (ids.size !== calls.length) {
        throw badHistory(`${where} ${k}: tool call ids are not unique`);
      }
      out.push({ role: 'assistant', content: m.content, tool_calls: calls });
      for (let n = 0; n < calls.length; n++) {
        const t = raw[k + 1 + n];
        if (!isRecord(t) || t.role !== 'tool' || typeof t.tool_call_id !== 'string' || typeof t.content !== 'string' || !ids.delete(t.tool_call_id)) {
          throw badHistory(`${where} ${k} has tool calls without their results`);
        }
        out.push({ role: 'tool', tool_call_id: t.tool_call_id, name: typeof t.name === 'string' ? t.name : '', content: t.content });
      }
      k += calls.length;
    } else {
      throw badHistory(`${where} ${k} has an unexpected role`);
    }
  }
  return out;
}

/** Checks saved summaries: each covers more of the conversation than the one before, and no more than was archived. */
export function parseSummaries(raw: unknown, archived: number): HistorySummary[] {
  if (raw === undefined) {
    return [];
  }
  if (!Array.isArray(raw)) {
    throw badHistory('summaries is not a list');
  }
  let last = 0;
  return raw.map((s, i) => {
    if (!isRecord(s) || typeof s.id !== 'string' || typeof s.text !== 'string' || typeof s.upTo !== 'number' || typeof s.turns !== 'number') {
      throw badHistory(`summary ${i} is malformed`);
    }
    if (!Number.isInteger(s.upTo) || s.upTo <= last || s.upTo > archived) {
      throw badHistory(`summary ${i} covers an impossible range`);
    }
    last = s.upTo;
    return { id: s.id, text: s.text, upTo: s.upTo, turns: s.turns };
  });
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

/** The images saved with a user message: data URLs of images only (anything else is dropped). */
function parseImages(v: unknown): ImageInput[] {
  return Array.isArray(v) ? v.filter((i): i is ImageInput => isRecord(i) && typeof i.url === 'string' && i.url.startsWith('data:image/')).map((i) => ({ url: i.url })) : [];
}
