/**
 * Wire-level shapes of Kimi's OpenAI-compatible chat API, as the client and the agent use them.
 * Declared here (not taken from the openai SDK types) because Kimi adds fields the SDK lacks:
 * `reasoning_content` in deltas and `usage` inside the final choice (docs/reference/kimi-api.md#streaming, #reasoning).
 */
import type { TokenUsage } from '../agent/events';

export interface ToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/**
 * An image the user attached to a question: a base64 data URL (PNG, JPEG, WebP or GIF). Kimi takes
 * no image links, only data URLs (docs/reference/kimi-api.md#vision).
 */
export interface ImageInput {
  readonly url: string;
}

export type ChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string; readonly images?: readonly ImageInput[] }
  | { readonly role: 'assistant'; readonly content: string; readonly tool_calls?: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly name: string; readonly content: string };

/** A tool declaration as sent in `tools` (docs/reference/kimi-api.md#tool-calls, #built-in-web-search). */
export type ToolDefinition =
  | {
      readonly type: 'function';
      readonly function: { readonly name: string; readonly description: string; readonly parameters: Readonly<Record<string, unknown>> };
    }
  | { readonly type: 'builtin_function'; readonly function: { readonly name: string } };

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolDefinition[];
  /** Only "auto" and "none" are supported by Kimi (docs/reference/kimi-api.md#request-parameters). */
  readonly toolChoice?: 'auto' | 'none';
  /** Tokens the answer may use; always sent explicitly (docs/reference/kimi-api.md#request-parameters). */
  readonly maxTokens?: number;
}

export interface ChatStreamHandlers {
  onTextDelta?(text: string): void;
  onReasoningDelta?(text: string): void;
  /** A retryable failure happened before any output; the client waits `delayMs` and tries again. */
  onRetry?(attempt: number, delayMs: number, reason: string): void;
}

/** One assembled model turn. */
export interface ChatTurn {
  readonly content: string;
  readonly reasoning: string;
  /** Assembled by `index`; only meaningful when `complete` is true. */
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: string | null;
  readonly usage: TokenUsage | undefined;
  /**
   * False when the stream ended (or broke) without a finish_reason: the text may be cut and
   * tool calls must not be executed (docs/reference/kimi-api.md#streaming).
   */
  readonly complete: boolean;
  readonly requestId?: string;
  /** Why a stream broke after output had been shown (the turn is then incomplete). */
  readonly interrupted?: string;
}
