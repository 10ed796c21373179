import * as path from 'node:path';

/** How a language is chunked: prose by paragraphs and sentences, code by lines and definitions. */
export type LanguageFamily = 'prose' | 'c-like' | 'python' | 'ruby' | 'shell' | 'markup' | 'data';

interface LanguageEntry {
  readonly language: string;
  readonly family: LanguageFamily;
}

const BY_EXTENSION: Readonly<Record<string, LanguageEntry>> = {
  txt: { language: 'text', family: 'prose' },
  md: { language: 'markdown', family: 'prose' },
  markdown: { language: 'markdown', family: 'prose' },
  mdx: { language: 'markdown', family: 'prose' },
  rst: { language: 'restructuredtext', family: 'prose' },
  adoc: { language: 'asciidoc', family: 'prose' },
  org: { language: 'org', family: 'prose' },
  tex: { language: 'latex', family: 'prose' },
  py: { language: 'python', family: 'python' },
  pyi: { language: 'python', family: 'python' },
  js: { language: 'javascript', family: 'c-like' },
  mjs: { language: 'javascript', family: 'c-like' },
  cjs: { language: 'javascript', family: 'c-like' },
  jsx: { language: 'javascriptreact', family: 'c-like' },
  ts: { language: 'typescript', family: 'c-like' },
  mts: { language: 'typescript', family: 'c-like' },
  cts: { language: 'typescript', family: 'c-like' },
  tsx: { language: 'typescriptreact', family: 'c-like' },
  vue: { language: 'vue', family: 'markup' },
  svelte: { language: 'svelte', family: 'markup' },
  java: { language: 'java', family: 'c-like' },
  kt: { language: 'kotlin', family: 'c-like' },
  kts: { language: 'kotlin', family: 'c-like' },
  scala: { language: 'scala', family: 'c-like' },
  groovy: { language: 'groovy', family: 'c-like' },
  gradle: { language: 'groovy', family: 'c-like' },
  go: { language: 'go', family: 'c-like' },
  rs: { language: 'rust', family: 'c-like' },
  c: { language: 'c', family: 'c-like' },
  h: { language: 'c', family: 'c-like' },
  cc: { language: 'cpp', family: 'c-like' },
  cpp: { language: 'cpp', family: 'c-like' },
  cxx: { language: 'cpp', family: 'c-like' },
  hh: { language: 'cpp', family: 'c-like' },
  hpp: { language: 'cpp', family: 'c-like' },
  hxx: { language: 'cpp', family: 'c-like' },
  cs: { language: 'csharp', family: 'c-like' },
  fs: { language: 'fsharp', family: 'c-like' },
  swift: { language: 'swift', family: 'c-like' },
  m: { language: 'objective-c', family: 'c-like' },
  mm: { language: 'objective-cpp', family: 'c-like' },
  dart: { language: 'dart', family: 'c-like' },
  php: { language: 'php', family: 'c-like' },
  zig: { language: 'zig', family: 'c-like' },
  proto: { language: 'proto', family: 'c-like' },
  graphql: { language: 'graphql', family: 'c-like' },
  gql: { language: 'graphql', family: 'c-like' },
  css: { language: 'css', family: 'c-like' },
  scss: { language: 'scss', family: 'c-like' },
  sass: { language: 'sass', family: 'c-like' },
  less: { language: 'less', family: 'c-like' },
  tf: { language: 'terraform', family: 'c-like' },
  hcl: { language: 'hcl', family: 'c-like' },
  rb: { language: 'ruby', family: 'ruby' },
  ex: { language: 'elixir', family: 'ruby' },
  exs: { language: 'elixir', family: 'ruby' },
  lua: { language: 'lua', family: 'ruby' },
  jl: { language: 'julia', family: 'ruby' },
  r: { language: 'r', family: 'c-like' },
  pl: { language: 'perl', family: 'c-like' },
  erl: { language: 'erlang', family: 'c-like' },
  hs: { language: 'haskell', family: 'python' },
  elm: { language: 'elm', family: 'python' },
  nim: { language: 'nim', family: 'python' },
  clj: { language: 'clojure', family: 'c-like' },
  sh: { language: 'shellscript', family: 'shell' },
  bash: { language: 'shellscript', family: 'shell' },
  zsh: { language: 'shellscript', family: 'shell' },
  fish: { language: 'fish', family: 'shell' },
  ps1: { language: 'powershell', family: 'shell' },
  bat: { language: 'bat', family: 'shell' },
  sql: { language: 'sql', family: 'data' },
  html: { language: 'html', family: 'markup' },
  htm: { language: 'html', family: 'markup' },
  xml: { language: 'xml', family: 'markup' },
  json: { language: 'json', family: 'data' },
  yaml: { language: 'yaml', family: 'data' },
  yml: { language: 'yaml', family: 'data' },
  toml: { language: 'toml', family: 'data' },
  ini: { language: 'ini', family: 'data' },
  cfg: { language: 'ini', family: 'data' },
  conf: { language: 'ini', family: 'data' },
  cmake: { language: 'cmake', family: 'shell' },
};

const BY_BASENAME: Readonly<Record<string, LanguageEntry>> = {
  Dockerfile: { language: 'dockerfile', family: 'shell' },
  Makefile: { language: 'makefile', family: 'shell' },
  'CMakeLists.txt': { language: 'cmake', family: 'shell' },
  Gemfile: { language: 'ruby', family: 'ruby' },
  Rakefile: { language: 'ruby', family: 'ruby' },
};

const PLAIN: LanguageEntry = { language: 'text', family: 'prose' };

function entryOf(relPath: string): LanguageEntry {
  const base = path.posix.basename(relPath.replace(/\\/g, '/'));
  const byName = BY_BASENAME[base];
  if (byName) {
    return byName;
  }
  const dot = base.lastIndexOf('.');
  if (dot <= 0) {
    return PLAIN;
  }
  return BY_EXTENSION[base.slice(dot + 1).toLowerCase()] ?? { language: base.slice(dot + 1).toLowerCase(), family: 'data' };
}

/** A VS Code-style language id for a path (`typescript`, `python`, `markdown`, `text`…). */
export function languageOf(relPath: string): string {
  return entryOf(relPath).language;
}

export function familyOf(relPath: string): LanguageFamily {
  return entryOf(relPath).family;
}

/** The extension without the dot, lower case ('' when none). */
export function extensionOf(relPath: string): string {
  const base = path.posix.basename(relPath.replace(/\\/g, '/'));
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}
