import { Agent } from '../../core/agent/agent';
import type { AgentEvent } from '../../core/agent/events';
import { ChatHistory } from '../../core/agent/history';
import { createToolRegistry } from '../../core/agent/tools';
import type { ToolContext } from '../../core/agent/tools/context';
import { ConfigError, isAbortError } from '../../core/errors';
import { Indexer } from '../../core/indexing/indexer';
import type { ChatCollections } from '../collections/chatCollections';
import { userMessage } from '../errorText';
import { extensionToolContext } from '../toolContext';
import type { Services } from '../services';
import type { ChatEngine, RunOptions } from './chatSession';
import { unavailableStore } from './unavailableStore';
import type { ImageInput } from '../../core/kimi/types';
import { MAX_HISTORY_IMAGE_CHARS } from './chatImages';

/**
 * Runs a question through the core agent with the current settings: a fresh client and tool
 * registry per question (cheap), so changed settings and keys apply to the next message.
 */
export class AgentChatEngine implements ChatEngine {
  constructor(
    private readonly services: Services,
    private readonly chatCollections: ChatCollections,
  ) {}

  async run(saved: unknown, question: string, onEvent: (e: AgentEvent) => void, signal: AbortSignal, options?: RunOptions): Promise<unknown> {
    const config = await this.services.config();
    if (!config.kimi.apiKey) {
      // Say so at once, before Milvus is started for the tools.
      throw new ConfigError("No Kimi API key is set. Run 'Kimi Milvus: Set Kimi API Key' (the button above does it).");
    }
    const history = restore(saved);
    const client = await this.services.kimiClient();
    const embedder = await this.services.embedder();
    let tools: Pick<ToolContext, 'store' | 'indexer'>;
    try {
      tools = { store: await this.services.store(), indexer: await this.services.indexer() };
    } catch (err) {
      if (isAbortError(err)) {
        throw err;
      }
      // Chat still answers general questions; the search tools tell Kimi (and so the user) why they fail.
      const reason = userMessage(err);
      this.services.log.warn(`Chat without Milvus: ${reason}`);
      const store = unavailableStore(reason);
      tools = { store, indexer: new Indexer({ store, embedder, config: config.index, logger: this.services.log }) };
    }
    const registry = createToolRegistry(
      extensionToolContext(this.services, this.chatCollections, { ...tools, embedder, ...(options?.searchScope ? { searchScope: options.searchScope } : {}) }),
      { webSearch: config.kimi.webSearch },
    );
    const agent = new Agent({ client, tools: registry, logger: this.services.log, maxSteps: config.kimi.maxSteps, webSearch: config.kimi.webSearch });
    try {
      await agent.run(history, question, onEvent, signal, options?.images ?? []);
    } finally {
      // What is saved and resent: the newest images within the cap (older ones leave with a note).
      history.capImages(MAX_HISTORY_IMAGE_CHARS);
    }
    return history.toJSON();
  }

  imagesAt(saved: unknown, index: number): readonly ImageInput[] {
    return saved === undefined ? [] : restore(saved).imagesAt(index);
  }

  size(saved: unknown): number {
    return saved === undefined ? 0 : restore(saved).length;
  }

  rewind(saved: unknown, size: number): unknown {
    if (saved === undefined) {
      return undefined;
    }
    const json = restore(saved).toJSON();
    // The cut is at a turn's start, where a user message begins: never inside a tool round.
    return { ...json, messages: json.messages.slice(0, size) };
  }
}

function restore(saved: unknown): ChatHistory {
  if (saved !== undefined) {
    try {
      return ChatHistory.fromJSON(saved);
    } catch {
      // A history from an older version: start over rather than fail the question.
    }
  }
  return new ChatHistory();
}
