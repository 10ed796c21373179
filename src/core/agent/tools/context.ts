import type { Embedder } from '../../embedding/embedder';
import type { Logger } from '../../logger';
import type { VectorStore } from '../../store/types';
import { WorkspacePaths } from '../workspacePaths';
import { fail, type ToolOutcome } from './registry';
import type { Redactor } from '../../redaction';

/** What the tools work with; the extension and the CLI each build one. */
export interface ToolContext {
  readonly store: VectorStore;
  readonly embedder: Embedder;
  readonly indexer: {
    indexFile(absPath: string, collection: string, root: string, signal?: AbortSignal): Promise<{ path: string; chunks: number; embedded: number; skipped?: string; detail?: string }>;
  };
  /** Absolute; tools may not leave them. */
  readonly workspaceFolders: readonly string[];
  /** Collection of each workspace folder, for search_workspace. */
  collectionFor(folder: string): string;
  /**
   * Relative path prefixes search_workspace keeps to when the model gives no path (the folders
   * the user mentioned with @ for this question).
   */
  readonly searchScope?: readonly string[];
  /** Extra collections the user chose to search. */
  readonly searchCollections?: () => readonly string[];
  /**
   * How the workspace gets indexed in this front end, for the model to act on or pass on when a
   * search finds no index (e.g. 'Tell the user to run "Kimi Milvus: Index Workspace".').
   */
  readonly howToIndex?: string;
  /** False in VS Code Restricted Mode: file and indexing tools refuse with an explanation. */
  readonly trusted: boolean;
  readonly logger?: Logger;
  /** Knows the product's keys: every tool result is redacted with it before it reaches the model. */
  readonly redactor?: Redactor;
}

/** The context plus what the tools share (one path guard per registry). */
export interface ToolEnv extends ToolContext {
  readonly paths: WorkspacePaths;
}

export function toolEnv(ctx: ToolContext): ToolEnv {
  return { ...ctx, collectionFor: (f) => ctx.collectionFor(f), paths: new WorkspacePaths(ctx.workspaceFolders) };
}

/** The refusal a file tool gives in Restricted Mode. */
export function untrusted(tool: string): ToolOutcome {
  return fail(
    `${tool} is disabled because this workspace is not trusted (VS Code Restricted Mode). Answer from the existing index or general knowledge, or ask the user to trust the workspace.`,
  );
}

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const int = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : fallback);
