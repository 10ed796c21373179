/** What the chat session runs questions with (the agent, or a test's engine), and what it passes along. */
import type { AgentEvent, CompactionReport } from '../../core/agent/events';
import type { ImageInput } from '../../core/kimi/types';
import type { Mention, SourceLink, Turn, Usage } from '../../shared/chatModel';
import { modelImages, type SentImage } from './chatImages';

export interface RunOptions {
  /** Path prefixes search_workspace keeps to (folders mentioned with @). */
  readonly searchScope?: readonly string[];
  /** Images attached to the question (data URLs). */
  readonly images?: readonly ImageInput[];
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
  /** The images of the message at `index` of a saved history (a question asked again takes them along). */
  imagesAt?(history: unknown, index: number): readonly ImageInput[];
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

/** What a run is given besides the question: the folders it searches, the images it sends. */
export function runOptions(searchScope: readonly string[], images: readonly SentImage[]): RunOptions | undefined {
  if (searchScope.length === 0 && images.length === 0) {
    return undefined;
  }
  return { ...(searchScope.length > 0 ? { searchScope } : {}), ...(images.length > 0 ? { images: modelImages(images) } : {}) };
}
