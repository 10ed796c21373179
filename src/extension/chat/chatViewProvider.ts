import * as vscode from 'vscode';
import { supportsVision, visionModelAmong } from '../../core/kimi/models';
import { logRejection, type Logger } from '../../core/logger';
import type { Turn } from '../../shared/chatModel';
import { parseWebviewMessage, type HostToWebview, type SetupState, type WebviewToHost } from '../../shared/protocol';
import { CHAT_VIEW_ID, Commands } from '../constants';
import { runAction } from '../webviewActions';
import type { ChatSession } from './chatSession';
import type { CodeProposals } from './codeProposals';
import type { ChatCostHooks } from './costHooks';
import { withContext } from './contextPrompt';
import type { EditorContext } from './editorContext';
import type { EditorTracker } from './editorTracker';
import { mentionNotes, resolveMentions, type MentionSearch } from './mentions';
import { insertAtCursor, openSource } from './sourceOpener';
import { chatHtml, webviewRoots } from './webviewHtml';

/** The model picker's source: Kimi's model list (undefined without a key) and where a choice is saved. */
export interface ModelChoice {
  list(): Promise<{ readonly models: readonly string[]; readonly current: string } | undefined>;
  select(model: string): Promise<void>;
}

/** What the extension-host tests drive the chat with, where there is no webview to type into. */
export interface ChatTestHandle {
  send(question: string): Promise<void>;
  turns(): readonly Turn[];
  totals(): ReturnType<ChatCostHooks['totals']>;
}

/** The chat panel: renders the session, and turns validated webview messages into host actions. */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = CHAT_VIEW_ID;
  private view: vscode.WebviewView | undefined;
  private readonly viewDisposables: vscode.Disposable[] = [];
  private readonly sessionListener: vscode.Disposable;
  private queue: Promise<void> = Promise.resolve();
  /** Focus was asked for while the view was still loading: give it once the view is ready. */
  private focusOnReady = false;
  /** The current view's script has run and said 'ready'. */
  private loaded = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: ChatSession,
    private readonly setupState: () => Promise<SetupState>,
    private readonly models: ModelChoice,
    private readonly log: Logger,
    private readonly editors: EditorTracker,
    private readonly proposals: CodeProposals,
    private readonly context: EditorContext,
    private readonly mentions: MentionSearch,
    /** False in Restricted Mode: mentioned files are not attached. */
    private readonly trusted: () => boolean,
    private readonly costs: ChatCostHooks,
  ) {
    this.sessionListener = vscode.Disposable.from(
      session.onDidPost((m) => this.post(m)),
      context.onDidChange(() => this.sendContext()),
      costs.onDidChange(() => logRejection(this.sendTotals(), this.log, 'Showing the cost totals')),
    );
  }

  /** The session and totals behind the view, for the extension-host tests (the test API only). */
  testHandle(): ChatTestHandle {
    return { send: (question) => this.session.send(question), turns: () => this.session.allTurns, totals: () => this.costs.totals() };
  }

  /** The conversation's and today's cost, under the input. */
  async sendTotals(): Promise<void> {
    if (this.view) {
      this.post({ type: 'totals', ...(await this.costs.totals()) });
    }
  }

  /** The chips above the input: the active editor and the added selections. */
  sendContext(): void {
    this.post({ type: 'context', active: this.context.activeChip(), added: this.context.addedChips() });
  }

  /** Shows the chat and puts the cursor in its input (the view may need to load first). */
  async focus(): Promise<void> {
    this.focusOnReady = true;
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    this.post({ type: 'focusInput' });
  }

  /** A view is shown and its script said 'ready' (the test API reads it: the view really resolves). */
  get viewLoaded(): boolean {
    return this.view !== undefined && this.loaded;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    this.loaded = false;
    view.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) };
    view.webview.html = chatHtml(view.webview, this.extensionUri);
    view.webview.onDidReceiveMessage((data: unknown) => this.receive(data), undefined, this.viewDisposables);
    view.onDidDispose(
      () => {
        if (this.view === view) {
          this.view = undefined;
          this.loaded = false;
        }
        this.disposeView();
      },
      undefined,
      this.viewDisposables,
    );
  }

  /** Re-sends the first-run state (after a key, trust or index change). */
  async refreshSetup(): Promise<void> {
    if (this.view) {
      this.post({ type: 'setup', setup: await this.setupState() });
    }
  }

  /** Re-sends the model list (after the key or the Kimi settings changed). */
  async refreshModels(): Promise<void> {
    if (this.view) {
      await this.sendModels();
    }
  }

  private async sendModels(): Promise<void> {
    const choice = await this.models.list().catch(() => undefined);
    if (choice) {
      const vision = [...new Set([...choice.models, choice.current])].filter(supportsVision);
      this.post({ type: 'models', models: choice.models, current: choice.current, vision, visionModel: visionModelAmong(choice.models) });
    }
  }

  /** New chat: the current conversation is kept in the list (see Conversations). */
  async newChat(): Promise<void> {
    await this.session.newConversation();
    await this.sendSnapshot();
    this.post({ type: 'focusInput' });
  }

  /** Shows another conversation (after a switch, rename or delete in the list). */
  async showConversation(): Promise<void> {
    await this.sendSnapshot();
  }

  private async sendSnapshot(): Promise<void> {
    await this.session.whenLoaded();
    this.post({ type: 'snapshot', turns: this.session.allTurns, busy: this.session.busy, setup: await this.setupState(), title: this.session.title });
    await this.sendTotals();
  }

  private post(message: HostToWebview): void {
    if (this.view) {
      logRejection(this.view.webview.postMessage(message), this.log, `Posting "${message.type}" to the chat view`);
    }
  }

  private receive(data: unknown): void {
    const message = parseWebviewMessage(data);
    if (!message) {
      this.log.warn('Ignored a malformed message from the chat view.');
      return;
    }
    // In order: a model choice made just before a question is saved before the question runs.
    this.queue = this.queue
      .then(() => this.handle(message))
      .catch((err: unknown) => this.log.error(`Chat view action failed: ${String(err)}`));
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.loaded = true;
        await this.sendSnapshot();
        this.sendContext();
        if (this.focusOnReady) {
          this.focusOnReady = false;
          this.post({ type: 'focusInput' });
        }
        // Not awaited: a slow GET /models must not hold up the messages queued behind it.
        logRejection(this.sendModels(), this.log, 'Listing the models');
        return;
      case 'setModel':
        return this.models.select(message.model);
      case 'send':
        return this.send(message);
      case 'mentionQuery':
        this.post({ type: 'mentionResults', seq: message.seq, items: await this.mentions.search(message.query) });
        return;
      case 'removeContext':
        return this.context.remove(message.id);
      case 'stop':
        return this.session.stop();
      case 'resend':
        return this.resend(message);
      case 'measure':
        // Not awaited: Kimi's count may take a moment, and a newer draft replaces this one.
        logRejection(this.measure(message), this.log, 'Measuring the draft');
        return;
      case 'compact':
        await vscode.commands.executeCommand(Commands.compactConversation);
        return;
      case 'newChat':
        return this.newChat();
      case 'conversations':
        await vscode.commands.executeCommand(Commands.showConversations);
        return;
      case 'openSource':
        await openSource(message.source);
        return;
      case 'insertCode':
        await insertAtCursor(message.code, this.editors);
        return;
      case 'applyCode':
        // Not awaited: the diff stays open until the user decides, and the view must stay responsive.
        logRejection(this.proposals.propose(message.code, message.target, message.wholeFile), this.log, 'Applying the code');
        return;
      case 'copyCode':
        await vscode.env.clipboard.writeText(message.code);
        vscode.window.setStatusBarMessage('Kimi Milvus: code copied', 2000);
        return;
      case 'action':
        await runAction(message.action);
        return;
    }
  }

  private async resend(message: Extract<WebviewToHost, { type: 'resend' }>): Promise<void> {
    if (await this.costs.maySend()) {
      // Not awaited, like a new question (see send).
      logRejection(this.session.resend(message.turnId, message.text), this.log, 'Asking again');
    }
  }

  private async measure(message: Extract<WebviewToHost, { type: 'measure' }>): Promise<void> {
    const reading = await this.costs.measure(message);
    if (reading) {
      this.post({ type: 'contextMeter', seq: message.seq, reading });
    }
  }

  /** A question with its editor context and mentions; past the daily budget only if the user agrees. */
  private async send(message: Extract<WebviewToHost, { type: 'send' }>): Promise<void> {
    if (!(await this.costs.maySend())) {
      this.post({ type: 'restoreDraft', text: message.text });
      return;
    }
    const mentions = message.mentions ?? [];
    // A question about a mentioned file is not about whatever the cursor happens to be on.
    const aboutFile = mentions.some((m) => m.kind === 'file');
    const editor = this.context.take((message.context ?? []).filter((id) => !(aboutFile && id === 'active')));
    const mentioned = await resolveMentions(mentions, this.trusted());
    const attachments = [...editor, ...mentioned.attachments];
    const prompt = withContext(message.text, attachments) + mentionNotes(mentioned);
    const context = prompt !== message.text || mentions.length > 0 ? { prompt, attachments: editor.map((a) => a.source), mentions } : undefined;
    const images = (message.images ?? []).map((i) => ({ name: i.name, thumbnail: i.thumbnail, url: i.dataUrl }));
    // Not awaited: the answer streams for a while, and Stop must get through meanwhile.
    logRejection(this.session.send(message.text, context, images), this.log, 'Asking');
  }

  private disposeView(): void {
    while (this.viewDisposables.length > 0) {
      this.viewDisposables.pop()?.dispose();
    }
  }

  dispose(): void {
    this.disposeView();
    this.sessionListener.dispose();
  }
}
