/**
 * What the agent loop reports while it works. The chat webview and the CLI both consume
 * these; keep them JSON-serializable (they cross the webview boundary as-is).
 */
import type { Cost } from '../kimi/pricing';
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** Prompt tokens served from Kimi's cache (a part of promptTokens), when the response says so. */
  readonly cachedTokens?: number;
  /** Absent when a model in the sum has no known price: then the UI shows tokens only. */
  readonly cost?: Cost;
}

export type AgentEvent =
  /** A new model turn (step) starts; step counts from 1. */
  | { readonly type: 'step'; readonly step: number }
  | { readonly type: 'textDelta'; readonly text: string }
  | { readonly type: 'reasoningDelta'; readonly text: string }
  | {
      readonly type: 'toolStarted';
      /** Unique within the whole run (Kimi's ids are only unique per response). */
      readonly callId: string;
      readonly name: string;
      /** Parsed arguments, or the raw string when they were not valid JSON. */
      readonly args: unknown;
    }
  | {
      readonly type: 'toolFinished';
      readonly callId: string;
      readonly name: string;
      readonly success: boolean;
      /** One line for the UI, e.g. "5 hits in src/" or the error message. */
      readonly summary: string;
      /** Sources the tool found, for citations the UI can link. */
      readonly sources?: readonly SourceRef[];
      readonly durationMs: number;
    }
  | { readonly type: 'usage'; readonly usage: TokenUsage }
  /** The conversation was made to fit the context window (docs/agent-and-tools.md#memory): never silently. */
  | ({ readonly type: 'compaction' } & CompactionReport)
  /** A retryable API error; the client waits `delayMs` before trying again. */
  | { readonly type: 'retry'; readonly attempt: number; readonly delayMs: number; readonly reason: string }
  | { readonly type: 'done'; readonly text: string; readonly usage: TokenUsage; readonly steps: number; readonly incomplete: boolean }
  | { readonly type: 'error'; readonly message: string; readonly cancelled: boolean };

/** What compaction did to fit a request (or on demand). */
export interface CompactionReport {
  /** Old tool results that were shortened. */
  readonly shortenedResults: number;
  /** The new summary, when earlier turns were summarised. */
  readonly summary?: {
    readonly id: string;
    readonly text: string;
    /** User turns the summary covers, earlier summaries included. */
    readonly turns: number;
    /** Messages this compaction moved into the summary. */
    readonly messages: number;
  };
  /** Why no summary could be made (an error, offline), when one was needed. */
  readonly failure?: string;
  /** Messages this request left out to fit, and how many user turns were among them. */
  readonly leftOut?: { readonly messages: number; readonly turns: number };
  /** True for Compact Conversation, false when a request would have passed the threshold. */
  readonly manual: boolean;
}

/** A place in the workspace: `path` is relative to its workspace folder (forward slashes). */
export interface SourceRef {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  /** Absolute folder the path is relative to, when known. */
  readonly root?: string;
  /** A document's page, slide or sheet (`p.12`, `slide 3`, `sheet 2`): what its citation names. */
  readonly locator?: string;
}
