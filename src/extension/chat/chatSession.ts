import { randomUUID } from 'node:crypto';
import type { CompactionReport } from '../../core/agent/events';
import { resendContext, runOptions, type ChatEngine, type CompactOutcome, type QuestionContext } from './chatEngine';
import { logRejection, type Logger } from '../../core/logger';
import { applyChatEvent, newTurn, settleInterrupted, type ChatEvent, type Turn, type Usage } from '../../shared/chatModel';
import type { HostToWebview } from '../../shared/protocol';
import type { ChatStore } from './chatStore';
import { Conversations, type ConversationInfo } from './conversations';
import { parsePersisted, type PersistedChat } from './persistedChat';
import { runTurn } from './turnRun';
import { placeCompaction } from './compactionEvents';
import { Redactor } from '../../core/redaction';
import { capThumbnails, resentImages, type SentImage, turnImages } from './chatImages';

export type { ChatEngine, CompactOutcome, QuestionContext, RunOptions } from './chatEngine';

/** Turns kept for display; the model's own history is trimmed by the agent. */
const MAX_TURNS = 200;

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
  /** The title the view was last told (see save). */
  private shownTitle: string | undefined;

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
    this.shownTitle = this.title;
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

  /** The model's history as saved (the context meter measures it). */
  get savedHistory(): unknown {
    return this.history;
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
    logRejection(this.save(), this.log, 'Saving the conversation');
    const sink = {
      apply: (event: ChatEvent) => this.applyTo(turn.id, event),
      compaction: (report: CompactionReport) => this.applyCompaction(turn.id, report),
      current: () => this.turns.find((t) => t.id === turn.id),
    };
    try {
      const request = { history: this.history, prompt: context?.prompt ?? question, signal: controller.signal, options: runOptions(searchScope, images) };
      this.history = (await runTurn(this.engine, request, sink, this.log))?.history ?? this.history;
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

  /** Folds an event into a turn (redacted first: it is saved with the turn and posted). */
  private applyTo(turnId: string, raw: ChatEvent): void {
    const event = this.redactor.redactDeep(raw);
    this.turns = this.turns.map((t) => (t.id === turnId ? applyChatEvent(t, event) : t));
    this.fire({ type: 'event', turnId, event });
  }

  private applyCompaction(turnId: string, report: CompactionReport, usage?: Usage): void {
    for (const [id, event] of placeCompaction(this.turns, turnId, report, usage)) {
      this.applyTo(id, event);
    }
  }

  /** Compact Conversation: summarises the earlier turns now (Stop cancels it). */
  async compact(): Promise<CompactOutcome> {
    await this.loaded;
    const last = this.turns.at(-1);
    if (this.abort) {
      return { kind: 'busy' };
    }
    if (!last || !this.engine.compact || this.engine.size(this.history) === 0) {
      return { kind: 'empty' };
    }
    const controller = new AbortController();
    this.abort = controller;
    this.fire({ type: 'busy', busy: true });
    try {
      const { history, report, usage } = await this.engine.compact(this.history, controller.signal);
      this.history = history;
      this.applyCompaction(last.id, report, usage);
      return { kind: 'done', report };
    } finally {
      this.abort = undefined;
      this.fire({ type: 'busy', busy: false });
      await this.save();
    }
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
    // Going back before a summary undoes it: its marker goes too.
    const summaries = this.engine.summaryIds?.(this.history) ?? [];
    this.turns = this.turns.slice(0, index).map((t) => (t.summary && !summaries.includes(t.summary.id) ? { ...t, summary: undefined } : t));
    this.fire({ type: 'snapshotTurns', turns: this.turns });
    const question = text ?? turn.question;
    await this.send(question, resendContext(turn, prompt, question), images);
  }

  /**
   * Failures a later action fixed (the key is set now), known by their code, leave the
   * conversation: they hold no answer and never reached the model's history. The last one's
   * question goes back to the input, so one Enter asks it again.
   */
  clearErrors(isFixed: (code: string) => boolean): void {
    const fixed = this.turns.filter((t) => t.status === 'error' && t.errorCode !== undefined && isFixed(t.errorCode));
    const last = fixed.at(-1);
    if (!last) {
      return;
    }
    this.turns = this.turns.filter((t) => !fixed.includes(t));
    for (const t of fixed) {
      delete this.marks[t.id];
      delete this.prompts[t.id];
    }
    this.fire({ type: 'snapshotTurns', turns: this.turns });
    this.fire({ type: 'restoreDraft', text: last.question, focus: false });
    logRejection(this.save(), this.log, 'Saving the conversation');
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
    // The title above the conversation follows its first question at once, not at the next switch.
    const title = this.title;
    if (title !== this.shownTitle) {
      this.shownTitle = title;
      this.fire(title === undefined ? { type: 'title' } : { type: 'title', title });
    }
  }

  /** The open conversation's title (undefined until its first question is saved). */
  get title(): string | undefined {
    return this.conversations.currentTitle;
  }

  dispose(): void {
    this.stop();
    this.listeners.clear();
  }
}
