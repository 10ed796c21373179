/** Core agent events → the webview's chat events. Pure, unit-tested. */
import type { AgentEvent, SourceRef } from '../../core/agent/events';
import type { ChatEvent, SourceLink } from '../../shared/chatModel';

/** Tool arguments shown in the UI are capped; a file's full content is no use in a tool line. */
export const MAX_ARGS_CHARS = 4000;

export function toChatEvent(e: AgentEvent): ChatEvent | undefined {
  switch (e.type) {
    case 'textDelta':
    case 'reasoningDelta':
      return { type: e.type, text: e.text };
    case 'toolStarted':
      return { type: 'toolStarted', callId: e.callId, name: e.name, args: formatArgs(e.args) };
    case 'toolFinished':
      return {
        type: 'toolFinished',
        callId: e.callId,
        name: e.name,
        success: e.success,
        summary: e.summary,
        sources: (e.sources ?? []).map(toSourceLink),
        durationMs: Math.round(e.durationMs),
      };
    case 'usage':
      return { type: 'usage', usage: { ...e.usage } };
    case 'retry':
      return { type: 'retry', reason: e.reason, delayMs: e.delayMs };
    case 'done':
      return { type: 'done', text: e.text, usage: { ...e.usage }, incomplete: e.incomplete };
    case 'error':
      return { type: 'error', message: e.message, cancelled: e.cancelled };
    // Compaction becomes a summary marker on the turn (ChatSession), not a stream event.
    case 'step':
    case 'compaction':
      return undefined;
  }
}

function toSourceLink(s: SourceRef): SourceLink {
  const link = { path: s.path, startLine: Math.max(1, s.startLine), endLine: Math.max(s.startLine, s.endLine, 1) };
  return { ...link, ...(s.root ? { root: s.root } : {}), ...(s.locator ? { locator: s.locator } : {}) };
}

export function formatArgs(args: unknown): string {
  const text = typeof args === 'string' ? args : safeJson(args);
  return text.length > MAX_ARGS_CHARS ? `${text.slice(0, MAX_ARGS_CHARS)}… (${text.length} characters)` : text;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
