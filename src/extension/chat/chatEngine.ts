/** What the chat session runs questions with (the agent, or a test's engine), and what it passes along. */
import type { AgentEvent, CompactionReport } from '../../core/agent/events';
import type { Mention, SourceLink, Turn, Usage } from '../../shared/chatModel';

export interface RunOptions {
  /** Path prefixes search_workspace keeps to (folders mentioned with @). */
  readonly searchScope?: readonly string[];
}

/** Runs one question through the agent; returns the conversation history to keep (serializable). */
export interface ChatEngine {
  run(history: unknown, question: string, onEvent: (e: AgentEvent) => void, signal: AbortSignal, options?: RunOptions): Promise<unknown>;
  /** How many messages a saved history holds (a turn remembers it, to go back to before itself). */
  size(history: unknown): number;
  /** The saved history cut back to its first `size` messages. */
  rewind(history: unknown, size: number): unknown;
  /** Compact Conversation: the history with earlier turns summarised now. */
  compact?(history: unknown, signal: AbortSignal): Promise<{ readonly history: unknown; readonly report: CompactionReport; readonly usage: Usage }>;
  /** Ids of the summaries a saved history still holds (markers of others are stale after a rewind). */
  summaryIds?(history: unknown): readonly string[];
}

/** What Compact Conversation did: nothing to do, busy with an answer, or the report. */
export type CompactOutcome = { readonly kind: 'empty' | 'busy' } | { readonly kind: 'done'; readonly report: CompactionReport };

/** What the model reads for a question with editor context, and the chips the turn shows. */
export interface QuestionContext {
  /** The question followed by the context; starts with the question text. */
  readonly prompt: string;
  readonly attachments: readonly SourceLink[];
  /** Files and folders mentioned with @ (files are in the prompt already; folders scope the search). */
  readonly mentions?: readonly Mention[];
}

/** The context a question is asked again with (Regenerate, Edit): what it was sent with, after the new text. */
export function resendContext(turn: Turn, prompt: string | undefined, question: string): QuestionContext | undefined {
  // The prompt starts with the question text.
  if (prompt?.startsWith(turn.question)) {
    return { prompt: question + prompt.slice(turn.question.length), attachments: turn.attachments ?? [], mentions: turn.mentions };
  }
  return turn.mentions ? { prompt: question, attachments: [], mentions: turn.mentions } : undefined;
}

export const ZERO_USAGE: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
