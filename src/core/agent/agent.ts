/**
 * The agent loop (docs/reference/kimi-api.md#tool-calls; the original design's loop made robust, docs/reference/design.md#the-agent): call Kimi with the
 * history and the tools; while it asks for tools, run them (independent ones concurrently) and
 * send the results back; stop when it answers. A step limit ends with one more call that must
 * answer from what was gathered. Events report every step to the UI or the CLI.
 */
import { AppError, UserAbortError, errorMessage, isAbortError } from '../errors';
import { KeyedQueue } from '../keyedQueue';
import { nullLogger, type Logger } from '../logger';
import type { KimiClient } from '../kimi/kimiClient';
import { answerTokensFor, supportsVision, VisionUnsupportedError } from '../kimi/models';
import type { PriceBook } from '../kimi/pricing';
import type { ChatTurn, ImageInput, ToolCall } from '../kimi/types';
import { Compactor, type CompactionResult } from './compaction';
import type { AgentEvent, TokenUsage } from './events';
import type { ChatHistory, ToolResultMessage } from './history';
import { defaultSystemPrompt, stepLimitNote } from './systemPrompt';
import type { ToolExecution, ToolRegistry } from './tools/registry';
import { addUsage, ZERO_USAGE } from './usage';

export const DEFAULT_MAX_STEPS = 16;
/**
 * Larger tool-call arguments are refused, not run: no tool needs them, and kept in the history
 * they would be resent (and token-counted) with every request until the round is dropped.
 */
export const MAX_TOOL_ARGUMENT_CHARS = 256 * 1024;

export interface AgentDeps {
  client: KimiClient;
  tools: ToolRegistry;
  logger?: Logger;
  maxSteps?: number;
  webSearch?: boolean;
  systemPrompt?: string;
  now?: () => Date;
  /** Prices each response; without it usage has tokens only. */
  prices?: PriceBook;
  /** Share of the context window at which the conversation is compacted (default 85 %). */
  compactAt?: number;
}

export interface AgentResult {
  text: string;
  usage: TokenUsage;
  steps: number;
  incomplete: boolean;
}

/**
 * One run per history at a time, whichever Agent instance runs it: concurrent sends would race on
 * the message list (docs/reference/kimi-api.md#conversation-state).
 */
const running = new KeyedQueue<ChatHistory>();

export class Agent {
  private readonly logger: Logger;
  private readonly maxSteps: number;
  private readonly compactor: Compactor;
  private callSeq = 0;

  constructor(private readonly deps: AgentDeps) {
    this.logger = deps.logger ?? nullLogger;
    this.maxSteps = Math.max(1, deps.maxSteps ?? DEFAULT_MAX_STEPS);
    this.compactor = new Compactor({ client: deps.client, logger: this.logger, compactAt: deps.compactAt, price: (u, max) => this.priced(u, max) });
  }

  /** Usage with its cost, priced at the request's size (prompt + max_tokens) for tiered models. */
  private priced(usage: TokenUsage, maxTokens: number): TokenUsage {
    const cost = this.deps.prices?.cost(this.deps.client.model, usage, usage.promptTokens + maxTokens);
    return cost ? { ...usage, cost } : usage;
  }

  /** Compact Conversation: summarises the history now (outside a run), never concurrently with one. */
  compact(history: ChatHistory, signal?: AbortSignal): Promise<CompactionResult> {
    return running.run(history, () => this.compactor.compactNow(history, this.deps.tools.definitions(), signal));
  }

  /** `images`: attached to the question; refused (VisionUnsupportedError, nothing sent) when the model cannot see them. */
  run(history: ChatHistory, userMessage: string, onEvent: (e: AgentEvent) => void, signal?: AbortSignal, images: readonly ImageInput[] = []): Promise<AgentResult> {
    if (images.length > 0 && !supportsVision(this.deps.client.model)) {
      // Refused before anything is sent or stored.
      const refused = new VisionUnsupportedError(this.deps.client.model);
      onEvent({ type: 'error', message: refused.message, cancelled: false });
      return Promise.reject(refused);
    }
    return running.run(history, () => this.runExclusive(history, userMessage, onEvent, signal, images));
  }

  private async runExclusive(history: ChatHistory, userMessage: string, onEvent: (e: AgentEvent) => void, signal: AbortSignal | undefined, images: readonly ImageInput[]): Promise<AgentResult> {
    const emit = (e: AgentEvent): void => {
      try {
        // Events reach the chat view and the CLI: no key in them, whatever a provider echoed.
        onEvent(this.deps.tools.redactor.redactDeep(e));
      } catch (err) {
        // A broken listener must not break the loop or leave the history half-written.
        this.logger.error(`Agent event listener failed: ${errorMessage(err)}`);
      }
    };
    const now = this.deps.now?.() ?? new Date();
    history.setSystemPrompt(this.deps.systemPrompt ?? defaultSystemPrompt(now, { webSearch: this.deps.webSearch }));
    history.addUser(userMessage, images);
    let usage = ZERO_USAGE;
    let steps = 0;
    try {
      for (let round = 0; ; round++) {
        const final = round >= this.maxSteps;
        steps++;
        emit({ type: 'step', step: steps });
        const tools = this.deps.tools.definitions();
        const fitted = await this.compactor.fit(history, tools, signal);
        const messages = fitted.messages;
        if (fitted.report) {
          usage = addUsage(usage, fitted.usage);
          emit({ type: 'compaction', ...fitted.report });
          emit({ type: 'usage', usage });
        }
        if (final) {
          messages.push({ role: 'system', content: stepLimitNote(this.maxSteps) });
        }
        const maxTokens = answerTokensFor(this.deps.client.model);
        const turn = await this.deps.client.chat(
          { messages, tools, toolChoice: final ? 'none' : 'auto', maxTokens },
          {
            onTextDelta: (text) => emit({ type: 'textDelta', text }),
            onReasoningDelta: (text) => emit({ type: 'reasoningDelta', text }),
            onRetry: (attempt, delayMs, reason) => emit({ type: 'retry', attempt, delayMs, reason: sentence(reason) }),
          },
          signal,
        );
        usage = addUsage(usage, turn.usage && this.priced(turn.usage, maxTokens));
        emit({ type: 'usage', usage });
        // Tool calls are recognised by their presence (docs/reference/kimi-api.md#tool-calls); a "length" stop may have cut their arguments.
        const wantsTools = turn.complete && turn.toolCalls.length > 0 && turn.finishReason !== 'length';
        if (!wantsTools || final) {
          return this.finish(history, turn, usage, steps, final, emit);
        }
        const calls = turn.toolCalls.map(boundedCall);
        const results = await this.runTools(calls, emit, signal);
        history.addToolRound(turn.content, calls, results);
      }
    } catch (err) {
      const cancelled = isAbortError(err) || signal?.aborted === true;
      const message = cancelled ? 'Cancelled.' : errorMessage(err);
      this.logger[cancelled ? 'info' : 'error'](`Agent run ended: ${this.deps.tools.redactor.redact(message)}`);
      emit({ type: 'error', message, cancelled });
      throw cancelled && !(err instanceof UserAbortError) ? new UserAbortError() : err;
    }
  }

  private finish(history: ChatHistory, turn: ChatTurn, usage: TokenUsage, steps: number, stepLimit: boolean, emit: (e: AgentEvent) => void): AgentResult {
    const incomplete = stepLimit || !turn.complete || turn.finishReason === 'length';
    let text = turn.content;
    if (stepLimit && text.trim() === '') {
      text = `I used all ${this.maxSteps} tool steps without reaching an answer. Ask a narrower question, or raise the step limit.`;
    }
    if (!turn.complete) {
      text += text ? '\n\n' : '';
      text += `_(The answer was cut off: ${turn.interrupted ?? 'the stream ended early'}. Ask again to retry.)_`;
    } else if (turn.finishReason === 'length') {
      text += '\n\n_(The answer reached the length limit and was cut off.)_';
    }
    // Only the text goes into the history: partial tool calls are never kept, reasoning never sent back.
    history.addAssistant(text);
    emit({ type: 'done', text, usage, steps, incomplete });
    return { text, usage, steps, incomplete };
  }

  /**
   * Runs one turn's calls: consecutive read-only calls together, a call that changes state
   * (create, add, upload) alone and in order, since the model may rely on that order.
   */
  private async runTools(calls: readonly ToolCall[], emit: (e: AgentEvent) => void, signal?: AbortSignal): Promise<ToolResultMessage[]> {
    const results: ToolResultMessage[] = new Array<ToolResultMessage>(calls.length);
    const runOne = async (call: ToolCall, i: number): Promise<void> => {
      const callId = `call-${++this.callSeq}`;
      const started = Date.now();
      const name = call.function.name;
      emit({ type: 'toolStarted', callId, name, args: parseForDisplay(call.function.arguments) });
      const refused = refusedArguments(call);
      const exec = await (refused ? Promise.resolve(refused) : this.deps.tools.execute(name, call.function.arguments, signal)).catch((err: unknown) => {
        emit({ type: 'toolFinished', callId, name, success: false, summary: 'Cancelled.', durationMs: Date.now() - started });
        throw err;
      });
      emit({
        type: 'toolFinished',
        callId,
        name,
        success: exec.success,
        summary: exec.summary,
        ...(exec.sources && exec.sources.length > 0 ? { sources: exec.sources } : {}),
        durationMs: Date.now() - started,
      });
      results[i] = { tool_call_id: call.id, name, content: exec.content };
    };
    let batch: Array<Promise<void>> = [];
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i];
      if (this.deps.tools.mutates(call.function.name)) {
        await Promise.all(batch);
        batch = [];
        await runOne(call, i);
      } else {
        batch.push(runOne(call, i));
      }
    }
    await Promise.all(batch);
    if (results.some((r) => r === undefined)) {
      throw new AppError('A tool call produced no result.');
    }
    return results;
  }
}

const REFUSED_MARK = '__refused_arguments_chars';

/** The call as it is kept: oversized arguments replaced by a small JSON note of their size. */
function boundedCall(call: ToolCall): ToolCall {
  const size = call.function.arguments.length;
  return size <= MAX_TOOL_ARGUMENT_CHARS ? call : { ...call, function: { ...call.function, arguments: JSON.stringify({ [REFUSED_MARK]: size }) } };
}

/** The failed result of a call whose arguments were too large (see boundedCall), or undefined. */
function refusedArguments(call: ToolCall): ToolExecution | undefined {
  const parsed = parseForDisplay(call.function.arguments);
  const size = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>)[REFUSED_MARK] : undefined;
  if (typeof size !== 'number') {
    return undefined;
  }
  const message = `The arguments of ${call.function.name} were ${Math.round(size / 1024)} KB, over the ${MAX_TOOL_ARGUMENT_CHARS / 1024} KB limit; the call was not run. Send smaller arguments (e.g. a path or a query, not file contents).`;
  return { name: call.function.name, args: {}, success: false, content: JSON.stringify({ success: false, message }), summary: message };
}

function parseForDisplay(raw: string): unknown {
  try {
    return raw.trim() === '' ? {} : (JSON.parse(raw) as unknown);
  } catch {
    return raw;
  }
}

function sentence(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}
