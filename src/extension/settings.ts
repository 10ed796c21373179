import * as vscode from 'vscode';
import {
  DEFAULT_EMBEDDING_DIMENSIONS,
  DEFAULT_EMBEDDING_MODEL,
  DEFAULT_KIMI_MODEL,
  EMBEDDING_PROVIDERS,
  KIMI_GLOBAL_BASE_URL,
  type AppConfig,
} from '../core/config';
import { DEFAULT_DOCUMENT_MAX_MB } from '../core/documents/formats';
import { parsePriceOverrides, PRICE_REGIONS, type PriceOverride } from '../core/kimi/pricing';
import type { SecretStore } from './secretStore';

export const SETTINGS_SECTION = 'kimiMilvus';

/** globalState key of the one-time answer to "local semantic search?". */
export const LOCAL_CHOICE_KEY = 'kimiMilvus.embedding.localChoice';
export type LocalChoice = 'local' | 'keyword';

/** Settings + SecretStorage → the core's AppConfig. Read fresh on each use so changes apply without reload. */
export async function readConfig(secrets: SecretStore, dataDir: string, localConsent = false): Promise<AppConfig> {
  const s = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const str = (key: string): string | undefined => {
    const v = s.get<string>(key);
    return typeof v === 'string' && v.trim().length > 0 ? v.trim() : undefined;
  };
  const temperature = s.get<number | null>('kimi.temperature');
  const ms = (key: string): number | undefined => {
    const v = s.get<number>(key);
    return typeof v === 'number' && v > 0 ? v * 1000 : undefined;
  };
  const deadlines = {
    headersMs: ms('network.connectTimeoutSeconds'),
    idleMs: ms('network.idleTimeoutSeconds'),
    totalMs: ms('network.requestTimeoutSeconds'),
  };
  const [kimiKey, embeddingKey, milvusToken] = await Promise.all([
    secrets.get('kimiApiKey'),
    secrets.get('embeddingApiKey'),
    secrets.get('milvusToken'),
  ]);
  return {
    kimi: {
      apiKey: kimiKey,
      baseUrl: str('kimi.baseUrl') ?? KIMI_GLOBAL_BASE_URL,
      model: str('kimi.model') ?? DEFAULT_KIMI_MODEL,
      temperature: typeof temperature === 'number' ? temperature : undefined,
      maxSteps: s.get<number>('kimi.maxSteps') ?? 16,
      webSearch: s.get<boolean>('kimi.webSearch') ?? false,
      deadlines,
      priceRegion: PRICE_REGIONS.find((r) => r === s.get<string>('pricing.region')) ?? 'auto',
      prices: userPrices(s.get<unknown>('pricing.models')),
      compactAt: (s.get<number>('context.compactThreshold') ?? 85) / 100,
    },
    milvus: {
      uri: str('milvus.uri'),
      token: milvusToken,
      // The store factory itself honours KIMI_MILVUS_VENV (a pre-provisioned venv) over <dataDir>/venv.
      dataDir,
      pythonPath: str('milvus.pythonPath'),
    },
    embedding: {
      provider: EMBEDDING_PROVIDERS.find((p) => p === str('embedding.provider')) ?? 'auto',
      localConsent,
      baseUrl: str('embedding.baseUrl'),
      apiKey: embeddingKey,
      model: str('embedding.model') ?? DEFAULT_EMBEDDING_MODEL,
      dimensions: s.get<number>('embedding.dimensions') ?? DEFAULT_EMBEDDING_DIMENSIONS,
      localThreads: s.get<number>('embedding.localThreads') || undefined,
      deadlines,
    },
    index: {
      include: s.get<string[]>('index.include') ?? [],
      exclude: s.get<string[]>('index.exclude') ?? [],
      maxFileSizeKb: s.get<number>('index.maxFileSizeKb') ?? 1024,
      documents: s.get<boolean>('index.documents') ?? false,
      maxDocumentSizeMb: s.get<number>('documents.maxFileSizeMb') ?? DEFAULT_DOCUMENT_MAX_MB,
    },
  };
}

/** Which part of the services a settings change invalidates. */
export function affectedServices(e: vscode.ConfigurationChangeEvent): { kimi: boolean; store: boolean; embedding: boolean; index: boolean } {
  const hit = (key: string): boolean => e.affectsConfiguration(`${SETTINGS_SECTION}.${key}`);
  return { kimi: hit('kimi') || hit('network'), store: hit('milvus'), embedding: hit('embedding') || hit('network'), index: hit('index') || hit('documents') };
}

/** The prices set in `kimiMilvus.pricing.models`; an invalid entry is left out (and reported by costSettings). */
function userPrices(raw: unknown): Readonly<Record<string, PriceOverride>> {
  return parsePriceOverrides(raw).overrides;
}

/** The chat's cost settings that are not core configuration. */
export interface CostSettings {
  /** Daily spend limit per workspace in the endpoint's currency; 0: none. */
  readonly dailyBudget: number;
  /** Whether the context meter asks Kimi's tokenizer (one small request per measurement). */
  readonly meterUsesKimi: boolean;
  /** What is wrong with `kimiMilvus.pricing.models`, if anything. */
  readonly priceProblems: readonly string[];
}

export function costSettings(): CostSettings {
  const s = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const budget = s.get<number | null>('budget.dailyLimit');
  return {
    dailyBudget: typeof budget === 'number' && Number.isFinite(budget) && budget > 0 ? budget : 0,
    meterUsesKimi: s.get<boolean>('context.kimiTokenCount') ?? true,
    priceProblems: parsePriceOverrides(s.get<unknown>('pricing.models')).problems,
  };
}
