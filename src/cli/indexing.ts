import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, isAbortError } from '../core/errors';
import { collectionNameFor } from '../core/indexing/collectionName';
import type { CoreServices } from '../core/services';
import type { IndexSummary } from '../core/indexing/events';
import { dryRunFolder } from '../core/indexing/indexer';
import { fillVectors } from '../core/indexing/vectorFiller';
import { prepareCollection, type DiscardingFit } from '../core/store/prepare';
import type { EmbeddingSpec, VectorCounts, VectorStore } from '../core/store/types';
import { searchCommand } from './search';
import { boolFlag, collectionFlag, type CliCommand, type CliIO, type ParsedArgs, stringFlag } from './command';
import { EMBEDDING_HELP, INDEX_HELP, embeddingOptions, indexConfigFrom, indexOptions } from './config';
import { COMMON_HELP, cliDataDir, commonOptions } from './context';
import { copyPrinter, embeddingPrinter, progressPrinter } from './indexProgress';
import { DOCUMENTS_HELP, documentOptions } from './documents';
import { withServices } from './services';
import { folderSummaryText } from '../text/indexSummary';
import { showSpec } from '../text/embeddingText';

async function assertDirectory(dir: string): Promise<void> {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new ConfigError(`${dir} is not a folder.`);
  }
}

/** Why the run stopped before touching the collection, and the flag that lets it go ahead. */
function refusalText(name: string, fit: DiscardingFit): string {
  if (fit.kind === 'vectors') {
    return (
      `${name} holds vectors of ${showSpec(fit.from)}, but the embedding setting is now ${showSpec(fit.to)}. ` +
      'Nothing was changed. Run again with --replace-vectors to copy the index with the new setting ' +
      '(keyword search keeps working meanwhile), or with --rebuild to index from scratch.'
    );
  }
  return `${name} must be rebuilt: ${fit.reason}. Nothing was changed. Run again with --rebuild to index from scratch.`;
}

/**
 * --rebuild drops the collection; otherwise it is brought in line with the embedding setting as
 * VS Code does: keyword-only gets vectors in place; replacing another model's vectors needs
 * --replace-vectors, rows made another way need --rebuild.
 */
async function prepareForRun(store: VectorStore, name: string, wanted: EmbeddingSpec | null, args: ParsedArgs, io: CliIO): Promise<void> {
  if (boolFlag(args, 'rebuild') && (await store.hasCollection(name, io.signal))) {
    io.stderr(`Dropping ${name} to rebuild it.\n`);
    await store.dropCollection(name, io.signal);
  }
  const replaceVectors = boolFlag(args, 'replace-vectors');
  const refused = await prepareCollection(store, name, wanted, {
    consent: (fit) => fit.kind === 'vectors' && replaceVectors,
    signal: io.signal,
    onCopied: copyPrinter(io, name),
  });
  if (refused) {
    throw new ConfigError(refusalText(name, refused));
  }
}

/**
 * Writes the folder's rows, then fills their vectors with the embedding phase's own progress
 * (chunks embedded / total, tokens/s, retries). Ctrl+C during either leaves a consistent
 * collection; the next run continues.
 */
type IndexRun = { summary: IndexSummary; vectors?: VectorCounts };

async function indexThenEmbed(services: CoreServices, root: string, collection: string | undefined, args: ParsedArgs, io: CliIO): Promise<IndexRun> {
  const embedder = await services.embedder(); // a bad embedding setting fails before Milvus starts
  const store = await services.store();
  const name = collection ?? collectionNameFor(root);
  await prepareForRun(store, name, embedder.spec, args, io);
  const result = await (await services.indexer()).indexFolder(root, { collection, onProgress: progressPrinter(io) }, io.signal);
  if (result.cancelled) {
    return { summary: result };
  }
  const fillStarted = Date.now();
  try {
    const filled = await fillVectors({ store, embedder, collection: name, onEmbedding: embeddingPrinter(io) }, io.signal);
    const summary = { ...result, chunksEmbedded: result.chunksEmbedded + filled.embedded, durationMs: result.durationMs + Date.now() - fillStarted };
    return { summary, vectors: filled.counts };
  } catch (err) {
    if (isAbortError(err) || io.signal.aborted) {
      return { summary: { ...result, cancelled: true } };
    }
    throw err;
  }
}

const indexCommand: CliCommand = {
  name: 'index',
  summary: 'Index a folder into its Milvus collection (incremental; only changed chunks are embedded)',
  usage: [
    'Usage: kimi-milvus index <dir> [--collection NAME] [--dry-run] [--rebuild] [--replace-vectors] [--json]',
    '',
    'Indexes the files of <dir> into a collection (default: the folder name plus a hash of its path).',
    'Re-running updates only what changed: new and edited files are re-chunked, only chunks whose',
    'content changed are embedded, and rows of deleted files are removed. Ctrl+C stops cleanly; the',
    'next run continues where it stopped.',
    '',
    '  --collection NAME         collection to write (letters, digits, _)',
    '  --dry-run                 report files, bytes, estimated chunks and tokens; write nothing',
    '  --rebuild                 drop the collection first and index from scratch',
    '  --replace-vectors         when the collection holds vectors of another embedding setting, copy it',
    '                            with the new setting and embed again (keyword search keeps working);',
    '                            without it the run stops and changes nothing. A keyword-only index',
    '                            gets vectors without this flag: nothing is thrown away.',
    '',
    INDEX_HELP,
    '',
    DOCUMENTS_HELP,
    '',
    EMBEDDING_HELP,
    '',
    COMMON_HELP,
  ].join('\n'),
  options: { ...commonOptions, ...embeddingOptions, ...indexOptions, ...documentOptions, collection: { type: 'string' }, 'dry-run': { type: 'boolean' }, rebuild: { type: 'boolean' }, 'replace-vectors': { type: 'boolean' } },
  async run(args, io) {
    const dirArg = args.positionals[0];
    if (!dirArg || args.positionals.length > 1) {
      io.stderr(`${this.usage}\n`);
      return 2;
    }
    const root = path.resolve(io.cwd, dirArg);
    await assertDirectory(root);
    const config = indexConfigFrom(args);
    const collection = collectionFlag(args);
    const json = boolFlag(args, 'json');
    /** vectors: how many chunks have their vector (progressive hybrid); absent for a dry run. */
    let run: IndexRun;
    if (boolFlag(args, 'dry-run')) {
      run = { summary: await dryRunFolder(root, config, { collection }, io.signal) };
    } else {
      const cacheDir = path.join(cliDataDir(io, args), 'index-cache');
      // Rows first (keyword search works at once), then the embedding phase with its own progress.
      run = await withServices(io, args, (services) => indexThenEmbed(services, root, collection, args, io), { cacheDir, vectors: 'background' });
    }
    const { summary, vectors } = run;
    io.stdout(json ? `${JSON.stringify(vectors ? { ...summary, vectors } : summary, null, 2)}\n` : `${folderSummaryText(summary, 'run')}\n`);
    return summary.cancelled ? 130 : 0;
  },
};

const addCommand: CliCommand = {
  name: 'add',
  summary: 'Add (or update) one file in a collection, creating the collection if needed',
  usage: [
    'Usage: kimi-milvus add <file> --collection NAME [--root DIR] [--json]',
    '',
    'Chunks, embeds and stores one file. Paths are stored relative to --root (default: the current',
    'folder when the file is inside it, otherwise just the file name). Secret files (.env, keys…),',
    'binaries and files over --max-file-size-kb are refused.',
    '',
    '  --collection NAME         collection to add to (required)',
    '  --root DIR                folder the stored path is relative to',
    '  --max-file-size-kb N      refuse larger files (default 1024)',
    '',
    DOCUMENTS_HELP,
    '',
    EMBEDDING_HELP,
    '',
    COMMON_HELP,
  ].join('\n'),
  options: { ...commonOptions, ...embeddingOptions, ...documentOptions, collection: { type: 'string' }, root: { type: 'string' }, 'max-file-size-kb': { type: 'string' } },
  async run(args, io) {
    const fileArg = args.positionals[0];
    const collection = collectionFlag(args);
    if (!fileArg || args.positionals.length > 1 || !collection) {
      io.stderr(`${this.usage}\n`);
      return 2;
    }
    const file = path.resolve(io.cwd, fileArg);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      throw new ConfigError(`${file} is not a file.`);
    }
    const rootFlag = stringFlag(args, 'root');
    const inCwd = !path.relative(io.cwd, file).startsWith('..');
    const root = rootFlag ? path.resolve(io.cwd, rootFlag) : inCwd ? io.cwd : '';
    const result = await withServices(io, args, async (services) => {
      await services.embedder(); // a bad embedding setting fails before Milvus starts
      return (await services.indexer()).indexFile(file, collection, root, io.signal);
    });
    if (boolFlag(args, 'json')) {
      io.stdout(`${JSON.stringify({ collection, ...result }, null, 2)}\n`);
    } else if (result.skipped) {
      io.stderr(result.detail ? `Not added: ${result.detail}\n` : `Not added: ${result.path} is ${result.skipped === 'secret' ? 'a secret file' : result.skipped}.\n`);
    } else {
      io.stdout(`Added ${result.path} to ${collection}: ${result.chunks} chunks, ${result.embedded} embedded.\n`);
    }
    return result.skipped ? 1 : 0;
  },
};

const collectionsCommand: CliCommand = {
  name: 'collections',
  summary: 'List collections with row counts, embedding model and indexed folder',
  usage: ['Usage: kimi-milvus collections [--json]', '', 'Lists every collection of the Milvus server: rows, embedding model, indexed folder.', '', COMMON_HELP].join('\n'),
  options: { ...commonOptions },
  async run(args, io) {
    const list = await withServices(io, args, async (services) => (await services.store()).listCollections(io.signal));
    if (boolFlag(args, 'json')) {
      io.stdout(`${JSON.stringify(list, null, 2)}\n`);
      return 0;
    }
    if (list.length === 0) {
      io.stdout('No collections. Create one with: kimi-milvus index <dir>\n');
      return 0;
    }
    for (const c of list) {
      const vectors = c.embedding ? `${c.embedding.model}, ${c.embedding.dimensions} dims` : 'BM25 only';
      const root = c.metadata.root ? `  ${c.metadata.root}` : '';
      io.stdout(`${c.name}  ${c.rowCount} rows  (${vectors})${root}\n${c.description ? `    ${c.description}\n` : ''}`);
    }
    return 0;
  },
};

export const commands: CliCommand[] = [indexCommand, addCommand, searchCommand, collectionsCommand];
