/**
 * The original design's file tools (docs/reference/design.md): read_and_chunk_file (preview how a file is split) and
 * upload_file_to_collection (index one file into a named collection, which must exist — the
 * design's upload scenario relies on the model creating it after this fails).
 */
import { promises as fs } from 'node:fs';
import { citationOf } from '../../documents/citation';
import { documentChunks, documentText } from '../../documents/documentChunks';
import { DEFAULT_DOCUMENT_MAX_MB, isDocumentPath } from '../../documents/formats';
import { LocalExtractor } from '../../documents/localExtractor';
import type { ExtractedDocument } from '../../documents/types';
import { readCheckedFile, UnsafeReadError } from '../../fs/safeRead';
import { chunkDocument } from '../../indexing/chunker';
import { isValidCollectionName } from '../../indexing/collectionName';
import { decodeText, isBinary } from '../../indexing/decode';
import type { ToolEnv } from './context';
import { int, str, untrusted } from './context';
import { fail, ok, type Tool } from './registry';

/** Larger files are refused: the model cannot use megabytes of chunks anyway. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_CHUNKS_SHOWN = 20;

export interface WorkspaceText {
  readonly text: string;
  readonly relPath: string;
  readonly absPath: string;
  readonly realFolder: string;
  readonly encoding: string;
  /** A document's parts (pages, slides, sheets), read on this machine; `text` is its text view. */
  readonly document?: ExtractedDocument;
}

/** Reads a workspace file as text (a document through the local extractor: nothing is uploaded), or explains why not. */
export async function readWorkspaceText(env: Pick<ToolEnv, 'paths'>, input: string): Promise<WorkspaceText> {
  const resolved = await env.paths.resolve(input);
  if ((await fs.stat(resolved.absPath)).isDirectory()) {
    throw new Error(`${input} is a directory; use list_files to see what it contains.`);
  }
  let bytes: Uint8Array;
  try {
    // Opened once and verified, so a link swapped in after the path check is never followed.
    const read = await readCheckedFile(resolved.absPath, { maxBytes: isDocumentPath(resolved.relPath) ? DEFAULT_DOCUMENT_MAX_MB * 1024 * 1024 : MAX_FILE_BYTES });
    await env.paths.assertNotSecretInode(read, input);
    bytes = read.bytes;
  } catch (err) {
    if (err instanceof UnsafeReadError && err.reason === 'too-large') {
      throw new Error(`${input} is ${Math.round((err.size ?? 0) / 1024)} KB, more than the ${MAX_FILE_BYTES / 1024 / 1024} MB a tool may read.`, { cause: err });
    }
    throw err;
  }
  if (isDocumentPath(resolved.relPath)) {
    const document = await new LocalExtractor().extract(bytes, resolved.relPath);
    return { text: documentText(document).text, encoding: 'document', document, relPath: resolved.relPath, absPath: resolved.absPath, realFolder: resolved.realFolder };
  }
  if (isBinary(bytes)) {
    throw new Error(`${input} is a binary file, not text.`);
  }
  const decoded = decodeText(bytes);
  if (decoded === undefined) {
    throw new Error(`${input} is in a text encoding that could not be identified with confidence; it was not read.`);
  }
  const { text, encoding } = decoded;
  return { text, encoding, relPath: resolved.relPath, absPath: resolved.absPath, realFolder: resolved.realFolder };
}

const chunkingProps = {
  chunk_size: { type: 'integer', minimum: 50, maximum: 20000, default: 500, description: 'Size of each text chunk (characters, prose files)' },
  overlap: { type: 'integer', minimum: 0, maximum: 5000, default: 50, description: 'Overlapping characters between text chunks' },
};

export function readAndChunkFile(env: ToolEnv): Tool {
  return {
    name: 'read_and_chunk_file',
    description: 'Read a local file of the workspace and split it into text chunks (a preview of how it would be indexed).',
    parameters: {
      type: 'object',
      properties: { file_path: { type: 'string', description: 'File path, relative to the workspace' }, ...chunkingProps },
      required: ['file_path'],
    },
    async run(args) {
      if (!env.trusted) {
        return untrusted('read_and_chunk_file');
      }
      const file = await readWorkspaceText(env, str(args.file_path));
      const options = { chunkSize: int(args.chunk_size, 500), overlap: int(args.overlap, 50) };
      const chunks = file.document ? documentChunks(file.document, options) : chunkDocument(file.text, file.relPath, options);
      return ok(
        {
          message: `Successfully read and chunked file ${file.relPath}`,
          file_name: file.relPath,
          encoding: file.encoding,
          total_chunks: chunks.length,
          chunks: chunks.slice(0, MAX_CHUNKS_SHOWN).map((c) => ({
            text: c.content,
            source_file: file.relPath,
            citation: citationOf({ path: file.relPath, section: c.section, startLine: c.startLine, endLine: c.endLine }),
            chunk_index: c.index,
            total_chunks: c.total,
          })),
          ...(chunks.length > MAX_CHUNKS_SHOWN ? { note: `Only the first ${MAX_CHUNKS_SHOWN} of ${chunks.length} chunks are shown.` } : {}),
        },
        `${chunks.length} chunk(s) from ${file.relPath}`,
      );
    },
  };
}

export function uploadFileToCollection(env: ToolEnv): Tool {
  return {
    name: 'upload_file_to_collection',
    description:
      'Upload a local workspace file to an existing collection: it is chunked, vectorized when embeddings are configured, and stored. The collection must exist (create_collection).',
    mutates: true,
    parameters: {
      type: 'object',
      properties: {
        file_path: { type: 'string', description: 'File path, relative to the workspace' },
        collection_name: { type: 'string', description: 'Target collection name' },
        ...chunkingProps,
      },
      required: ['file_path', 'collection_name'],
    },
    async run(args, signal) {
      if (!env.trusted) {
        return untrusted('upload_file_to_collection');
      }
      const name = str(args.collection_name);
      if (!isValidCollectionName(name)) {
        return fail(`"${name}" is not a valid collection name: use letters, digits and underscores, starting with a letter or underscore.`);
      }
      const resolved = await env.paths.resolve(str(args.file_path));
      if (!(await env.store.hasCollection(name, signal))) {
        return fail(`Collection ${name} does not exist. Create it with create_collection first, then upload the file again.`);
      }
      const stat = await fs.stat(resolved.absPath);
      if (!stat.isFile()) {
        return fail(`${resolved.relPath || str(args.file_path)} is not a file.`);
      }
      await env.paths.assertNotSecretInode(stat, str(args.file_path));
      // Chunking follows the index settings (the indexer owns it), so chunk_size/overlap are advisory here.
      const result = await env.indexer.indexFile(resolved.absPath, name, resolved.realFolder, signal);
      if (result.skipped) {
        return fail(`${resolved.relPath} was not uploaded: ${result.detail ?? `${result.skipped}.`}`);
      }
      return ok(
        {
          message: `Successfully uploaded file ${resolved.relPath} to collection ${name}`,
          file_name: resolved.relPath,
          file_size: stat.size,
          total_chunks: result.chunks,
          embedded_chunks: result.embedded,
          collection_name: name,
        },
        `${result.chunks} chunk(s) of ${resolved.relPath} → ${name}`,
      );
    },
  };
}
