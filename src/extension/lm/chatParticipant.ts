/**
 * `@kimi` in VS Code's Chat view: the same Kimi agent loop as our own chat panel (the user's Kimi
 * key from SecretStorage, our tools over the Milvus index), streamed as Markdown with the files
 * it used as references and its citations as anchors. VS Code builds without a Chat view (e.g.
 * code-server, which has no default chat agent) register nothing visible; our panel stays.
 */
import * as vscode from 'vscode';
import type { AgentEvent, SourceRef } from '../../core/agent/events';
import { ConfigError, isAbortError } from '../../core/errors';
import type { ChatCollections } from '../collections/chatCollections';
import { abortSignalFor } from '../cancellation';
import { AgentChatEngine } from '../chat/agentEngine';
import type { ChatEngine } from '../chat/chatSession';
import { resolveSource } from '../chat/sourceOpener';
import { Commands } from '../constants';
import { userMessage } from '../errorText';
import type { Services } from '../services';

/** Equal to `contributes.chatParticipants[].id` in package.json. */
export const PARTICIPANT_ID = 'kimi-milvus.kimi';

/** What a response carries into the next request of the same conversation. */
export interface KimiChatMetadata {
  /** The agent's own history (ChatHistory JSON), so follow-up questions keep tool results and citations. */
  readonly history?: unknown;
  readonly sources?: readonly SourceRef[];
  readonly cancelled?: boolean;
}

const CITATION = /([\w./-]+\.[\w]+):(\d+)-(\d+)/g;

/** The agent history of the last @kimi answer in this conversation, if any. */
function previousHistory(context: vscode.ChatContext): unknown {
  for (let i = context.history.length - 1; i >= 0; i--) {
    const turn = context.history[i];
    if (turn instanceof vscode.ChatResponseTurn && turn.participant === PARTICIPANT_ID) {
      return (turn.result.metadata as KimiChatMetadata | undefined)?.history;
    }
  }
  return undefined;
}

async function locationOf(source: SourceRef): Promise<vscode.Location | undefined> {
  const uri = await resolveSource(source);
  return uri ? new vscode.Location(uri, new vscode.Range(source.startLine - 1, 0, Math.max(source.endLine, source.startLine) - 1, 0)) : undefined;
}

function toolProgress(e: Extract<AgentEvent, { type: 'toolStarted' }>): string {
  const args = (e.args && typeof e.args === 'object' ? e.args : {}) as Record<string, unknown>;
  const what = typeof args.query === 'string' ? ` "${args.query}"` : typeof args.path === 'string' ? ` ${args.path}` : '';
  return `${e.name}${what}…`;
}

/**
 * The request handler; exported (through the test API) so an extension-host test can drive it.
 * `redact` takes the product's keys out of an error text before VS Code shows it (a provider may echo one).
 */
export function createKimiRequestHandler(engine: ChatEngine, redact: (text: string) => string = (text) => text): vscode.ChatRequestHandler {
  return async (request, context, stream, token): Promise<vscode.ChatResult> => {
    const cancel = abortSignalFor(token);
    const writer = new ResponseWriter(stream, token);
    const { sources } = writer;
    try {
      const history = await engine.run(previousHistory(context), request.prompt, writer.onEvent, cancel.signal);
      await writer.settled();
      await anchorCitations(writer.answer, sources, stream);
      return { metadata: { history, sources } satisfies KimiChatMetadata };
    } catch (err) {
      await writer.settled().catch(() => undefined);
      if (isAbortError(err) || token.isCancellationRequested) {
        return { metadata: { cancelled: true, sources } satisfies KimiChatMetadata };
      }
      if (err instanceof ConfigError && err.code === 'kimi-key-missing') {
        stream.button({ command: Commands.setKimiApiKey, title: 'Set Kimi API Key' });
      }
      return { errorDetails: { message: redact(userMessage(err)) }, metadata: { sources } satisfies KimiChatMetadata };
    } finally {
      cancel.dispose();
    }
  };
}

/** Writes the agent's events into VS Code's chat response: the answer, tool progress and the files found. */
class ResponseWriter {
  readonly sources: SourceRef[] = [];
  answer = '';
  private readonly referenced = new Set<string>();
  // Stream writes are serialized so references resolve (a stat each) in the order they came.
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly stream: vscode.ChatResponseStream,
    private readonly token: vscode.CancellationToken,
  ) {}

  readonly onEvent = (e: AgentEvent): void => {
    if (this.token.isCancellationRequested) {
      return;
    }
    switch (e.type) {
      case 'textDelta':
        this.answer += e.text;
        this.pending = this.pending.then(() => this.stream.markdown(e.text));
        break;
      case 'toolStarted':
        this.stream.progress(toolProgress(e));
        break;
      case 'toolFinished':
        (e.sources ?? []).forEach((s) => this.reference(s));
        break;
      case 'retry':
        this.stream.progress(`Kimi is busy (${e.reason}); retrying…`);
        break;
      default:
        break;
    }
  };

  settled(): Promise<void> {
    return this.pending;
  }

  private reference(s: SourceRef): void {
    const key = `${s.root ?? ''}|${s.path}:${s.startLine}-${s.endLine}`;
    if (this.referenced.has(key)) {
      return;
    }
    this.referenced.add(key);
    this.sources.push(s);
    this.pending = this.pending.then(async () => {
      const location = await locationOf(s);
      if (location && !this.token.isCancellationRequested) {
        this.stream.reference(location);
      }
    });
  }
}

/** The answer's "path:start-end" citations of files the tools found, as clickable anchors under it. */
async function anchorCitations(answer: string, sources: readonly SourceRef[], stream: vscode.ChatResponseStream): Promise<void> {
  const seen = new Set<string>();
  const anchors: Array<{ location: vscode.Location; title: string }> = [];
  for (const m of answer.matchAll(CITATION)) {
    const title = m[0];
    const known = sources.find((s) => s.path === m[1]);
    if (seen.has(title) || !known) {
      continue;
    }
    seen.add(title);
    const location = await locationOf({ path: m[1], startLine: Number(m[2]), endLine: Number(m[3]), root: known.root });
    if (location) {
      anchors.push({ location, title });
    }
  }
  if (anchors.length) {
    stream.markdown('\n\nSources: ');
    anchors.forEach((a, i) => {
      if (i > 0) {
        stream.markdown(', ');
      }
      stream.anchor(a.location, a.title);
    });
  }
}

function followups(result: vscode.ChatResult): vscode.ChatFollowup[] {
  const meta = result.metadata as KimiChatMetadata | undefined;
  if (result.errorDetails || meta?.cancelled) {
    return [];
  }
  const first = meta?.sources?.[0];
  return [
    ...(first ? [{ prompt: `Explain ${first.path} in more detail.`, label: `More about ${first.path}` }] : []),
    { prompt: 'Where is this used elsewhere in the workspace?', label: 'Find other uses' },
  ];
}

export function registerChatParticipant(context: vscode.ExtensionContext, services: Services, chatCollections: ChatCollections): vscode.ChatRequestHandler {
  const handler = createKimiRequestHandler(new AgentChatEngine(services, chatCollections), (text) => services.redactor.redact(text));
  // Hosts without the chat API (older builds, forks) keep our own chat panel only.
  if (typeof vscode.chat?.createChatParticipant !== 'function') {
    return handler;
  }
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, handler);
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.svg');
  participant.followupProvider = { provideFollowups: (result) => followups(result) };
  context.subscriptions.push(participant);
  return handler;
}
