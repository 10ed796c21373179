/**
 * One question's run through the chat engine, folded into its turn: stream events as they come,
 * then exactly one end ('done' or 'error'). The engine reports a failure as an event and then
 * throws; the thrown error is the one shown, in the user's words, with its code (so a later fix is
 * recognised) and the action that fixes it. No vscode: unit-tested with the session in plain Node.
 */
import type { AgentEvent, CompactionReport } from '../../core/agent/events';
import { isAbortError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ChatEvent, Turn } from '../../shared/chatModel';
import { errorCode } from '../../text/errorText';
import { ACTION_LABELS, chatFix } from '../errorFix';
import { userMessage } from '../errorText';
import { ZERO_USAGE, type ChatEngine, type RunOptions } from './chatEngine';
import { toChatEvent } from './eventMapping';

/** Where the run's events go: the session's copy of the turn (and the view). */
export interface TurnSink {
  apply(event: ChatEvent): void;
  compaction(report: CompactionReport): void;
  /** The turn as folded so far. */
  current(): Turn | undefined;
}

export interface TurnRequest {
  readonly history: unknown;
  readonly prompt: string;
  readonly signal: AbortSignal;
  readonly options?: RunOptions;
}

/** Runs the question; resolves with the history to keep, or undefined when the run failed or was stopped. */
export async function runTurn(engine: ChatEngine, request: TurnRequest, sink: TurnSink, log: Logger): Promise<{ readonly history: unknown } | undefined> {
  let ended = false;
  const apply = (event: ChatEvent): void => {
    if (!ended) {
      ended = event.type === 'done' || event.type === 'error';
      sink.apply(event);
    }
  };
  let reported: ChatEvent | undefined;
  const onEvent = (e: AgentEvent): void => {
    if (e.type === 'compaction') {
      sink.compaction(e);
      return;
    }
    const mapped = toChatEvent(e);
    if (mapped?.type === 'error') {
      reported = mapped;
    } else if (mapped) {
      apply(mapped);
    }
  };
  try {
    const history = await engine.run(request.history, request.prompt, onEvent, request.signal, request.options);
    const current = sink.current();
    apply(reported ?? { type: 'done', text: current?.answer ?? '', usage: current?.usage ?? ZERO_USAGE, incomplete: false });
    return { history };
  } catch (err) {
    const cancelled = isAbortError(err) || request.signal.aborted;
    if (!cancelled) {
      log.error(`Chat failed: ${userMessage(err)}`);
    }
    apply(failure(err, cancelled));
    return undefined;
  }
}

function failure(err: unknown, cancelled: boolean): ChatEvent {
  const code = errorCode(err);
  const fix = cancelled ? undefined : chatFix(err);
  return {
    type: 'error',
    message: userMessage(err),
    cancelled,
    ...(code ? { code } : {}),
    ...(fix ? { fix: { action: fix, label: ACTION_LABELS[fix] } } : {}),
  };
}
