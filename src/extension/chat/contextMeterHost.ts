import { ContextMeter, type ContextMeasure } from '../../core/agent/contextMeter';
import { isAbortError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Mention } from '../../shared/chatModel';
import type { MeterReading } from '../../shared/cost';
import { costSettings } from '../settings';
import type { AgentChatEngine } from './agentEngine';
import type { ChatSession } from './chatSession';
import { withContext } from './contextPrompt';
import type { EditorContext } from './editorContext';
import { mentionNotes, resolveMentions } from './mentions';

/** What the webview asks to have measured: the draft and what would go with it. */
export interface MeasureQuery {
  readonly text: string;
  readonly context?: readonly string[];
  readonly mentions?: readonly Mention[];
}

/**
 * The host side of the context meter: builds the question exactly as Send would (editor context and
 * mentioned files included, without using them up) and measures the next request. A newer query
 * cancels an older one still waiting for Kimi's count.
 */
export class ContextMeterHost {
  private readonly meter: ContextMeter;
  private pending: AbortController | undefined;
  /** The latest reading, for the budget's estimate of the next request. */
  last: ContextMeasure | undefined;

  constructor(
    private readonly engine: AgentChatEngine,
    private readonly session: ChatSession,
    private readonly editor: EditorContext,
    private readonly trusted: () => boolean,
    private readonly log: Logger,
  ) {
    this.meter = new ContextMeter({ logger: log });
  }

  async measure(query: MeasureQuery): Promise<MeterReading | undefined> {
    this.pending?.abort();
    const controller = new AbortController();
    this.pending = controller;
    try {
      const mentioned = await resolveMentions(query.mentions ?? [], this.trusted());
      const attachments = [...this.editor.peek(query.context ?? []), ...mentioned.attachments];
      const draft = withContext(query.text, attachments) + mentionNotes(mentioned);
      const reading = await this.engine.measure(this.session.savedHistory, draft, this.meter, costSettings().meterUsesKimi, controller.signal);
      this.last = reading;
      return controller.signal.aborted ? undefined : reading;
    } catch (err) {
      if (!isAbortError(err)) {
        this.log.debug(`Context meter: ${errorMessage(err)}`);
      }
      return undefined;
    } finally {
      if (this.pending === controller) {
        this.pending = undefined;
      }
    }
  }

  dispose(): void {
    this.pending?.abort();
  }
}
