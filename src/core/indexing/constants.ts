/** Every tunable of indexing in one place, so a change is one edit and a benchmark can cite it. */

/** Extensions (lower case, without the dot) indexed by default. */
export const DEFAULT_INCLUDE_EXTENSIONS: ReadonlySet<string> = new Set([
  // The product's promise and the original design's list (docs/reference/design.md#chunking-and-files).
  'txt', 'md', 'py', 'js', 'html', 'css', 'json',
  // Prose.
  'markdown', 'mdx', 'rst', 'adoc', 'org', 'tex',
  // Mainstream source.
  'ts', 'tsx', 'jsx', 'mjs', 'cjs', 'mts', 'cts', 'vue', 'svelte',
  'java', 'kt', 'kts', 'scala', 'groovy', 'go', 'rs', 'c', 'cc', 'cpp', 'cxx', 'h', 'hh', 'hpp', 'hxx', 'cs', 'fs',
  'rb', 'php', 'swift', 'm', 'mm', 'dart', 'lua', 'pl', 'r', 'jl', 'ex', 'exs', 'erl', 'hs', 'clj', 'elm', 'zig', 'nim',
  'sh', 'bash', 'zsh', 'fish', 'ps1', 'bat', 'sql', 'graphql', 'gql', 'proto',
  'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'xml', 'scss', 'sass', 'less', 'htm',
  'gradle', 'cmake', 'tf', 'hcl',
]);

/** Extension-less files worth indexing. */
export const DEFAULT_INCLUDE_BASENAMES: ReadonlySet<string> = new Set([
  'Dockerfile', 'Makefile', 'CMakeLists.txt', 'Gemfile', 'Rakefile', 'Procfile', 'README', 'LICENSE', 'CHANGELOG',
]);

/** Directories never descended into: dependencies, VCS data, build output, caches. */
export const ALWAYS_SKIPPED_DIRS: ReadonlySet<string> = new Set([
  'node_modules', 'bower_components', 'jspm_packages', '.git', '.hg', '.svn',
  'dist', 'build', 'out', 'target', '.next', '.nuxt', '.svelte-kit', '.output', 'coverage', '.nyc_output',
  '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.pytest_cache', '.ruff_cache', '.gradle', '.idea',
  '.cache', '.parcel-cache', '.turbo', '.vscode-test', '.terraform', 'vendor',
]);

/** Directories skipped without being reported, because they are never workspace content. */
export const SILENT_DIRS: ReadonlySet<string> = new Set(['.git', '.hg', '.svn']);

export const IGNORE_FILES: readonly string[] = ['.gitignore', '.kimiignore'];

/** Bytes read from the head of a file to tell binaries and minified bundles apart. */
export const SNIFF_BYTES = 8192;

/** A head whose lines average more than this (chars) is a minified bundle, not source. */
export const MINIFIED_AVG_LINE = 300;
/** …or whose longest line is longer than this and makes up most of the head. */
export const MINIFIED_LONGEST_LINE = 2000;

/** Prose chunking (the original design's defaults, docs/reference/design.md#chunking-and-files). */
export const DEFAULT_CHUNK_SIZE = 500;
export const DEFAULT_CHUNK_OVERLAP = 50;

/** Code chunking: a chunk is at most this many lines and characters (a readable unit). */
export const CODE_MAX_LINES = 60;
export const CODE_MAX_CHARS = 2400;
/**
 * Code: a chunk may end at a content-defined anchor once it holds this share of its maximum, and a
 * definition is an anchor when the hash of its first line has these bits clear (codeChunker.ts).
 * Larger chunks were measured and not taken (bench:chunks, bench:retrieval): a quarter with one
 * anchor in four makes 43 % fewer chunks of CPython's Lib/ and src/ (11,223 vs 19,765) at the same
 * edit cost, but lost 0.01-0.05 MRR@10 in three of four columns (the local model reads 256 tokens,
 * so a 1,000-character chunk is embedded cut short). See the README's "How files are chunked".
 */
export const CODE_MIN_FILL = 0.1;
export const CODE_ANCHOR_MASK = 1;

/** Files read and chunked concurrently while earlier batches are embedded. */
export const FILE_CONCURRENCY = 8;
/** Chunks accumulated across files before one embed + upsert round (several embedding requests). */
export const WRITE_BATCH_CHUNKS = 512;
/** Write rounds in flight at once (one being written while the next is embedded). */
export const WRITE_ROUNDS_IN_FLIGHT = 2;

/** Rough characters per token, for dry-run estimates. */
export const CHARS_PER_TOKEN = 4;
