import { randomUUID } from 'node:crypto';
import type { AgentEvent } from '../../core/agent/events';
import { isAbortError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { applyChatEvent, newTurn, settleInterrupted, type ChatEvent, type Mention, type SourceLink, type Turn } from '../../shared/chatModel';
import type { HostToWebview } from '../../shared/protocol';
import { userMessage } from '../errorText';
import type { ChatStore } from './chatStore';
import { Conversations, type ConversationInfo } from './conversations';
import { parsePersisted, type PersistedChat } from './persistedChat';
import { toChatEvent } from './eventMapping';
import { Redactor } from '../../core/redaction';
import type { ImageInput } from '../../core/kimi/types';
import { capThumbnails, modelImages, resentImages, type SentImage, turnImages } from './chatImages';

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
  /** The images of the message at `index` of a saved history (a question asked again takes them along). */
  imagesAt?(history: unknown, index: number): readonly ImageInput[];
}

/** Turns kept for display; the model's own history is trimmed by the agent. */
const MAX_TURNS = 200;

/** What the model reads for a question with editor context, and the chips the turn shows. */
export interface QuestionContext {
  /** The question followed by the context; starts with the question text. */
  readonly prompt: string;
  readonly attachments: readonly SourceLink[];
  /** Files and folders mentioned with @ (files are in the prompt already; folders scope the search). */
  readonly mentions?: readonly Mention[];
}

/**
 * The conversation on the host side: the source of truth that survives hiding the view and
 * reloading the window (a ChatStore per workspace). The webview gets a snapshot when it
 * loads and then the same events the session folds into its own copy.
 */
export class ChatSession {
  private turns: Turn[] = [];
  private history: unknown;
  private marks: Record<string, number> = {};
  private prompts: Record<string, string> = {};
  private readonly loaded: Promise<void>;
  private readonly conversations: Conversations;
  private abort: AbortController | undefined;
  /** Settles when the answer being streamed has ended and been saved. */
  private idle: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(message: HostToWebview) => void>();

  constructor(
    store: ChatStore,
    private readonly engine: ChatEngine,
    private readonly log: Logger,
    /** The edge to the webview: nothing posted to it carries a key. */
    private readonly redactor: Redactor = new Redactor(),
  ) {
    this.conversations = new Conversations(store);
    this.loaded = this.conversations.open().then(
      (saved) => this.restore(saved),
      (err: unknown) => this.log.warn(`Could not load the conversation: ${String(err)}`),
    );
  }

  private restore(saved: unknown): void {
    const parsed = parsePersisted(saved);
    this.turns = parsed.turns.map(settleInterrupted);
    this.history = parsed.history;
    this.marks = { ...parsed.marks };
    this.prompts = { ...parsed.prompts };
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

  async send(question: string, context?: QuestionContext, images: readonly SentImage[] = []): Promise<void> {
    await this.loaded;
    if (this.abort) {
      return;
    }
    const turn = newTurn(randomUUID(), question, context?.attachments, context?.mentions, turnImages(images));
    const searchScope = (context?.mentions ?? []).filter((m) => m.kind === 'folder').map((m) => m.path);
    this.turns = [...this.turns, turn].slice(-MAX_TURNS);
    this.marks[turn.id] = this.engine.size(this.history);
    if (context && context.prompt !== question) {
      this.prompts[turn.id] = context.prompt;
    }
    const controller = new AbortController();
    this.abort = controller;
    let settle = (): void => undefined;
    this.idle = new Promise<void>((resolve) => (settle = resolve));
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
        context?.prompt ?? question,
        (e) => {
          const mapped = toChatEvent(e);
          if (mapped) {
            apply(mapped);
          }
        },
        controller.signal,
        runOptions(searchScope, images),
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
      settle();
    }
  }

  stop(): void {
    this.abort?.abort();
  }

  /**
   * Asks a sent question again (Regenerate, Retry) or in new words (Edit): the conversation goes
   * back to just before that turn, turns after it included, and continues from there.
   */
  async resend(turnId: string, text?: string): Promise<void> {
    await this.loaded;
    const index = this.turns.findIndex((t) => t.id === turnId);
    const turn = this.turns[index];
    if (this.abort || !turn) {
      return;
    }
    const mark = this.marks[turnId];
    const prompt = this.prompts[turnId];
    const images = mark === undefined ? [] : resentImages(turn, this.engine.imagesAt?.(this.history, mark) ?? []);
    this.history = mark === undefined ? this.history : this.engine.rewind(this.history, mark);
    for (const t of this.turns.slice(index)) {
      delete this.marks[t.id];
      delete this.prompts[t.id];
    }
    this.turns = this.turns.slice(0, index);
    this.fire({ type: 'snapshotTurns', turns: this.turns });
    const question = text ?? turn.question;
    // The context sent with the question goes again; the prompt starts with the question text.
    const context = prompt?.startsWith(turn.question)
      ? { prompt: question + prompt.slice(turn.question.length), attachments: turn.attachments ?? [], mentions: turn.mentions }
      : turn.mentions
        ? { prompt: question, attachments: [], mentions: turn.mentions }
        : undefined;
    await this.send(question, context, images);
  }

  /** A failure a later action fixed (the key is set now): its error leaves the conversation. */
  clearErrors(isFixed: (error: string) => boolean): void {
    let changed = false;
    this.turns = this.turns.map((t) => {
      if (t.status === 'error' && t.error !== undefined && isFixed(t.error)) {
        changed = true;
        return { ...t, error: undefined, notice: 'Fixed since: ask again with Retry.' };
      }
      return t;
    });
    if (changed) {
      this.fire({ type: 'snapshotTurns', turns: this.turns });
      void this.save();
    }
  }

  /** The workspace's conversations, most recently used first. */
  async list(): Promise<readonly ConversationInfo[]> {
    await this.loaded;
    return this.conversations.list();
  }

  get currentConversation(): string {
    return this.conversations.current;
  }

  /** New chat: the open conversation stays in the list (once it has a turn); an empty one opens. */
  async newConversation(): Promise<void> {
    await this.switchTo(undefined);
  }

  /** Opens a saved conversation (undefined: a new, empty one); an answer still streaming is stopped first. */
  async switchTo(id: string | undefined): Promise<boolean> {
    await this.loaded;
    if (id !== undefined && !this.conversations.has(id)) {
      return false;
    }
    this.stop();
    await this.idle;
    const saved = id === undefined ? undefined : await this.conversations.load(id);
    await this.conversations.select(id);
    this.restore(saved);
    return true;
  }

  async rename(id: string, title: string): Promise<boolean> {
    await this.loaded;
    return this.conversations.rename(id, title);
  }

  /** Deletes a conversation; deleting the open one opens the most recent other one (or a new one). */
  async remove(id: string): Promise<void> {
    await this.loaded;
    const open = id === this.conversations.current;
    if (open) {
      this.stop();
      await this.idle;
    }
    await this.conversations.remove(id);
    if (open) {
      await this.switchTo(this.conversations.list()[0]?.id);
    }
  }

  private async save(): Promise<void> {
    this.turns = capThumbnails(this.turns);
    const data: PersistedChat = { turns: this.turns, history: this.history, marks: this.marks, prompts: this.prompts };
    try {
      await this.conversations.save(data, this.turns[0]?.question);
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

function runOptions(searchScope: readonly string[], images: readonly SentImage[]): RunOptions | undefined {
  if (searchScope.length === 0 && images.length === 0) {
    return undefined;
  }
  return { ...(searchScope.length > 0 ? { searchScope } : {}), ...(images.length > 0 ? { images: modelImages(images) } : {}) };
}
