import { Agent } from '../../core/agent/agent';
import type { ContextMeasure, ContextMeter } from '../../core/agent/contextMeter';
import type { AgentEvent, CompactionReport, TokenUsage } from '../../core/agent/events';
import { ChatHistory } from '../../core/agent/history';
import { defaultSystemPrompt } from '../../core/agent/systemPrompt';
import { createToolRegistry, type ToolRegistry } from '../../core/agent/tools';
import type { ToolContext } from '../../core/agent/tools/context';
import type { KimiConfig } from '../../core/config';
import { NoneEmbedder } from '../../core/embedding/noneEmbedder';
import { ConfigError, isAbortError } from '../../core/errors';
import { Indexer } from '../../core/indexing/indexer';
import type { KimiClient } from '../../core/kimi/kimiClient';
import { priceBookFor } from '../../core/kimi/pricing';
import type { ChatCollections } from '../collections/chatCollections';
import { userMessage } from '../errorText';
import { extensionToolContext } from '../toolContext';
import type { Services } from '../services';
import type { ChatEngine, RunOptions } from './chatEngine';
import { unavailableStore } from './unavailableStore';
import type { ImageInput } from '../../core/kimi/types';
import { MAX_HISTORY_IMAGE_CHARS } from './chatImages';

const NO_KEY = 'No Kimi API key is set (the button above sets one).';

/**
 * Runs a question through the core agent with the current settings: a fresh client and tool
 * registry per question (cheap), so changed settings and keys apply to the next message.
 */
export class AgentChatEngine implements ChatEngine {
  /** The declared tools by web-search setting: the meter asks for them on every pause in typing. */
  private readonly declared = new Map<boolean, ToolRegistry>();

  constructor(
    private readonly services: Services,
    private readonly chatCollections: ChatCollections,
  ) {}

  async run(saved: unknown, question: string, onEvent: (e: AgentEvent) => void, signal: AbortSignal, options?: RunOptions): Promise<unknown> {
    const config = await this.services.config();
    if (!config.kimi.apiKey) {
      // Say so at once, before Milvus is started for the tools.
      throw new ConfigError(NO_KEY, 'kimi-key-missing');
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
    try {
      await this.agent(config.kimi, registry, client).run(history, question, onEvent, signal, options?.images ?? []);
    } finally {
      // What is saved and resent: the newest images within the cap (older ones leave with a note).
      history.capImages(MAX_HISTORY_IMAGE_CHARS);
    }
    return history.toJSON();
  }

  imagesAt(saved: unknown, index: number): readonly ImageInput[] {
    return saved === undefined ? [] : restore(saved).imagesAt(index);
  }

  /** Compact Conversation: summarises the saved history's earlier turns with Kimi. */
  async compact(saved: unknown, signal: AbortSignal): Promise<{ history: unknown; report: CompactionReport; usage: TokenUsage }> {
    const config = await this.services.config();
    if (!config.kimi.apiKey) {
      throw new ConfigError(NO_KEY, 'kimi-key-missing');
    }
    const history = restore(saved);
    const { report, usage } = await this.agent(config.kimi, this.declarations(config.kimi), await this.services.kimiClient()).compact(history, signal);
    return { history: history.toJSON(), report, usage };
  }

  /** How much of the window the next request would use with `draft` as the question. */
  async measure(saved: unknown, draft: string, meter: ContextMeter, useKimi: boolean, signal?: AbortSignal): Promise<ContextMeasure> {
    const config = await this.services.config();
    const client = useKimi && config.kimi.apiKey ? await this.services.kimiClient() : undefined;
    const request = {
      model: config.kimi.model,
      systemPrompt: defaultSystemPrompt(new Date(), { webSearch: config.kimi.webSearch }),
      tools: this.declarations(config.kimi).definitions(),
      history: restore(saved),
      draft,
      compactAt: config.kimi.compactAt,
    };
    return meter.measure(request, client, signal);
  }

  size(saved: unknown): number {
    return saved === undefined ? 0 : restore(saved).length;
  }

  rewind(saved: unknown, size: number): unknown {
    if (saved === undefined) {
      return undefined;
    }
    // The cut is at a turn's start, where a user message begins: never inside a tool round.
    const history = restore(saved);
    history.rewind(size);
    return history.toJSON();
  }

  summaryIds(saved: unknown): readonly string[] {
    return saved === undefined ? [] : restore(saved).summaries.map((s) => s.id);
  }

  private agent(kimi: KimiConfig, tools: ToolRegistry, client: KimiClient): Agent {
    return new Agent({ client, tools, logger: this.services.log, maxSteps: kimi.maxSteps, webSearch: kimi.webSearch, prices: priceBookFor(kimi), compactAt: kimi.compactAt });
  }

  /** The tools as declared to Kimi, without opening Milvus: enough to count their tokens, not to run them. */
  private declarations(kimi: KimiConfig): ToolRegistry {
    let registry = this.declared.get(kimi.webSearch);
    if (!registry) {
      const store = unavailableStore('not opened for counting');
      const indexer = { indexFile: () => Promise.reject(new Error('not available')) };
      registry = createToolRegistry(extensionToolContext(this.services, this.chatCollections, { store, embedder: new NoneEmbedder(), indexer }), { webSearch: kimi.webSearch });
      this.declared.set(kimi.webSearch, registry);
    }
    return registry;
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
