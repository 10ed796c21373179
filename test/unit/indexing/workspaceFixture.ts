/**
 * Builds the tricky fixture workspace at test time in a temp dir (binary bytes, GBK bytes,
 * symlinks and secrets do not belong in git): nested .gitignore files with negation, a
 * .kimiignore, a GBK file, a binary, an oversize file, a .env, a symlink loop, a link leaving
 * the root, minified bundles, build output and node_modules.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import type { IndexConfig } from '../../../src/core/config';
import type { SkipReason } from '../../../src/core/indexing/events';

export const FIXTURE_CONFIG: IndexConfig = { include: [], exclude: [], maxFileSizeKb: 64 };

/** The question a search must answer from docs/guide.md, and where the answer is. */
export const FIXTURE_QUESTION = {
  query: 'how many upload retry attempts before giving up',
  path: 'docs/guide.md',
  line: 9,
  answer: 'The upload retry budget is seven attempts',
};

export const EXPECTED_INDEXED = [
  'README.md',
  'docs/chinese-gbk.txt',
  'docs/drafts/published.md',
  'docs/guide.md',
  'src/app.ts',
  'src/important.gen.ts',
  'src/util/math.py',
].sort();

export const EXPECTED_SKIPPED: ReadonlyArray<[string, SkipReason]> = [
  ['.env', 'secret'],
  ['assets/logo.png', 'not-included'],
  ['big.txt', 'too-large'],
  ['data/blob.json', 'binary'],
  ['dist/', 'excluded'],
  ['docs/drafts/wip.md', 'ignored'],
  ['docs/private.md', 'ignored'],
  ['empty.md', 'empty'],
  ['generated/', 'ignored'],
  ['loop/', 'symlink-loop'],
  ['node_modules/', 'excluded'],
  ['outside/', 'outside-root'],
  ['public/app.js', 'minified'],
  ['src/scratch.ts', 'ignored'],
  ['src/types.gen.ts', 'ignored'],
  ['vendor.min.js', 'minified'],
];

export interface FixtureWorkspace {
  readonly root: string;
  write(rel: string, content: string | Uint8Array): void;
  remove(rel: string): void;
  cleanup(): void;
}

export const GUIDE_MD = [
  '# Upload guide', // 1
  '', // 2
  'This guide explains how files reach the server.', // 3
  '', // 4
  '## Retries', // 5
  '', // 6
  'Uploads fail sometimes because networks are unreliable.', // 7
  '', // 8
  'The upload retry budget is seven attempts, after which the client gives up and reports an error.', // 9
  '', // 10
  '## Formats', // 11
  '', // 12
  'Only UTF-8 text is accepted; other encodings are converted first.', // 13
  '',
].join('\n');

export const APP_TS = [
  "import { readFile } from 'node:fs/promises';",
  '',
  '/** Parses the configuration file of the application. */',
  'export async function loadSettings(file: string): Promise<Record<string, string>> {',
  "  const text = await readFile(file, 'utf8');",
  '  return JSON.parse(text) as Record<string, string>;',
  '}',
  '',
  'export class SessionStore {',
  '  private readonly sessions = new Map<string, number>();',
  '',
  '  touch(id: string): void {',
  '    this.sessions.set(id, Date.now());',
  '  }',
  '}',
  '',
].join('\n');

export const MATH_PY = [
  'def compute_fibonacci(n):',
  '    """Returns the n-th Fibonacci number."""',
  '    a, b = 0, 1',
  '    for _ in range(n):',
  '        a, b = b, a + b',
  '    return a',
  '',
].join('\n');

export function createFixtureWorkspace(): FixtureWorkspace {
  const base = mkdtempSync(path.join(os.tmpdir(), 'kimi-ws-'));
  const root = path.join(base, 'workspace');
  const outside = path.join(base, 'elsewhere');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret-plans.md'), '# Not part of the workspace\n');
  const write = (rel: string, content: string | Uint8Array): void => {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  };
  write('.gitignore', ['generated/', '*.gen.ts', 'docs/drafts/*', '!docs/drafts/published.md', ''].join('\n'));
  write('src/.gitignore', ['scratch.ts', '!important.gen.ts', ''].join('\n'));
  write('.kimiignore', 'docs/private.md\n');
  write('README.md', '# Fixture project\n\nA small project used by the indexing tests.\n');
  write('docs/guide.md', GUIDE_MD);
  write('docs/chinese-gbk.txt', iconv.encode('向量数据库检索增强生成。\n\n这是一个用GBK编码的文件！\n', 'gbk'));
  write('docs/drafts/published.md', '# Published draft\n\nThis draft was published.\n');
  write('docs/drafts/wip.md', '# Work in progress\n');
  write('docs/private.md', '# Private\n');
  write('src/app.ts', APP_TS);
  write('src/important.gen.ts', 'export const IMPORTANT = 42;\n');
  write('src/types.gen.ts', 'export type Generated = string;\n');
  write('src/scratch.ts', 'console.log("scratch");\n');
  write('src/util/math.py', MATH_PY);
  write('generated/out.ts', 'export const out = 1;\n');
  write('node_modules/lib/index.js', 'module.exports = 1;\n');
  write('dist/bundle.js', 'console.log(1);\n');
  write('assets/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
  write('data/blob.json', Buffer.concat([Buffer.from('{"a":'), Buffer.from([0, 1, 2, 3]), Buffer.from('}')]));
  write('big.txt', 'All work and no play. '.repeat(4000));
  write('.env', 'API_KEY=sk-should-never-be-indexed\n');
  write('vendor.min.js', 'var a=1;\n');
  write('public/app.js', `!function(){${'var x=function(a,b){return a+b};'.repeat(400)}}();\n`);
  write('empty.md', '');
  symlinkSync('.', path.join(root, 'loop'));
  symlinkSync(outside, path.join(root, 'outside'));
  return {
    root,
    write,
    remove: (rel) => rmSync(path.join(root, rel), { force: true }),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}
