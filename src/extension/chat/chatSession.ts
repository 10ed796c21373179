import { randomUUID } from 'node:crypto';
import type { AgentEvent } from '../../core/agent/events';
import { isAbortError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { applyChatEvent, newTurn, settleInterrupted, type ChatEvent, type Turn } from '../../shared/chatModel';
import { isTurn, type HostToWebview } from '../../shared/protocol';
import { userMessage } from '../errorText';
import type { ChatStore } from './chatStore';
import { toChatEvent } from './eventMapping';
import { Redactor } from '../../core/redaction';

/** Runs one question through the agent; returns the conversation history to keep (serializable). */
export interface ChatEngine {
  run(history: unknown, question: string, onEvent: (e: AgentEvent) => void, signal: AbortSignal): Promise<unknown>;
}

/** Turns kept for display; the model's own history is trimmed by the agent. */
const MAX_TURNS = 200;

interface PersistedChat {
  readonly turns: readonly Turn[];
  readonly history: unknown;
}

/**
 * The conversation on the host side: the source of truth that survives hiding the view and
 * reloading the window (a ChatStore per workspace). The webview gets a snapshot when it
 * loads and then the same events the session folds into its own copy.
 */
export class ChatSession {
  private turns: Turn[] = [];
  private history: unknown;
  private readonly loaded: Promise<void>;
  private abort: AbortController | undefined;
  private readonly listeners = new Set<(message: HostToWebview) => void>();

  constructor(
    private readonly store: ChatStore,
    private readonly engine: ChatEngine,
    private readonly log: Logger,
    /** The edge to the webview: nothing posted to it carries a key. */
    private readonly redactor: Redactor = new Redactor(),
  ) {
    this.loaded = store.load().then(
      (saved) => {
        const parsed = parsePersisted(saved);
        this.turns = parsed.turns.map(settleInterrupted);
        this.history = parsed.history;
      },
      (err: unknown) => this.log.warn(`Could not load the conversation: ${String(err)}`),
    );
  }

  /**
   * Messages for the webview (the provider forwards them when the view is visible). A plain
   * listener set rather than vscode.EventEmitter keeps this class free of `vscode`, so it is
   * unit-tested in plain Node.
   */
  onDidPost(listener: (message: HostToWebview) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(message: HostToWebview): void {
    const clean = this.redactor.redactDeep(message);
    for (const listener of [...this.listeners]) {
      listener(clean);
    }
  }

  /** Resolves once the saved conversation is loaded. */
  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  get busy(): boolean {
    return this.abort !== undefined;
  }

  get allTurns(): readonly Turn[] {
    return this.turns;
  }

  async send(question: string): Promise<void> {
    await this.loaded;
    if (this.abort) {
      return;
    }
    const turn = newTurn(randomUUID(), question);
    this.turns = [...this.turns, turn].slice(-MAX_TURNS);
    const controller = new AbortController();
    this.abort = controller;
    this.fire({ type: 'turnStarted', turn });
    void this.save();
    let ended = false;
    const apply = (raw: ChatEvent): void => {
      if (ended) {
        return;
      }
      // Redacted before it is stored with the turn (saved in workspace state) and posted.
      const event = this.redactor.redactDeep(raw);
      ended = event.type === 'done' || event.type === 'error';
      this.turns = this.turns.map((t) => (t.id === turn.id ? applyChatEvent(t, event) : t));
      this.fire({ type: 'event', turnId: turn.id, event });
    };
    try {
      this.history = await this.engine.run(
        this.history,
        question,
        (e) => {
          const mapped = toChatEvent(e);
          if (mapped) {
            apply(mapped);
          }
        },
        controller.signal,
      );
      if (!ended) {
        const current = this.turns.find((t) => t.id === turn.id);
        apply({ type: 'done', text: current?.answer ?? '', usage: current?.usage ?? zeroUsage, incomplete: false });
      }
    } catch (err) {
      const cancelled = isAbortError(err) || controller.signal.aborted;
      if (!cancelled) {
        this.log.error(`Chat failed: ${userMessage(err)}`);
      }
      apply({ type: 'error', message: userMessage(err), cancelled });
    } finally {
      this.abort = undefined;
      this.fire({ type: 'busy', busy: false });
      await this.save();
    }
  }

  stop(): void {
    this.abort?.abort();
  }

  async clear(): Promise<void> {
    await this.loaded;
    this.stop();
    this.turns = [];
    this.history = undefined;
    await this.save();
  }

  private async save(): Promise<void> {
    const data: PersistedChat = { turns: this.turns, history: this.history };
    try {
      await this.store.save(data);
    } catch (err) {
      this.log.warn(`Could not save the conversation: ${String(err)}`);
    }
  }

  dispose(): void {
    this.stop();
    this.listeners.clear();
  }
}

const zeroUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

function parsePersisted(v: unknown): PersistedChat {
  if (typeof v !== 'object' || v === null) {
    return { turns: [], history: undefined };
  }
  const rec = v as Record<string, unknown>;
  const turns = Array.isArray(rec.turns) ? rec.turns.filter(isTurn) : [];
  return { turns, history: rec.history };
}
