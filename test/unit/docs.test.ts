// Keeps the documentation true: links, images and anchors resolve; the settings, commands, npm scripts
// and repository paths it names exist (and every setting and command is documented); docs/cli.md
// matches the CLI's own help; and nothing cites a file outside the repository.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { runCli } from '../../src/cli/main';

const root = path.resolve(__dirname, '..', '..');
const rel = (file: string): string => path.relative(root, file).split(path.sep).join('/');

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, keep) : keep(full) ? [full] : [];
  });
}

const DOCS = [
  path.join(root, 'README.md'),
  path.join(root, 'CONTRIBUTING.md'),
  path.join(root, 'patches', 'README.md'),
  ...filesUnder(path.join(root, 'docs'), (f) => f.endsWith('.md')),
];

interface Doc {
  readonly file: string;
  readonly text: string;
  readonly links: string[];
  readonly codeSpans: string[];
  readonly anchors: Set<string>;
}

const md = new MarkdownIt({ html: true });
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
/** GitHub's own heading-anchor algorithm (github-slugger is an ES module: loaded in `before`). */
let newSlugger: () => { slug(text: string): string };

function inlineTokens(tokens: Token[]): Token[] {
  return tokens.flatMap((t) => [t, ...(t.children ? inlineTokens(t.children) : [])]);
}

function parseDoc(file: string): Doc {
  const text = readFileSync(file, 'utf8');
  const tokens = inlineTokens(md.parse(text, {}));
  const links: string[] = [];
  const codeSpans: string[] = [];
  const anchors = new Set<string>();
  const slugger = newSlugger();
  tokens.forEach((t, i) => {
    if (t.type === 'link_open') {
      links.push(String(t.attrGet('href') ?? ''));
    }
    if (t.type === 'image') {
      links.push(String(t.attrGet('src') ?? ''));
    }
    if (t.type === 'html_inline' || t.type === 'html_block') {
      for (const m of t.content.matchAll(/\b(?:href|src)="([^"]+)"/g)) {
        links.push(m[1]);
      }
    }
    if (t.type === 'code_inline') {
      codeSpans.push(t.content);
    }
    if (t.type === 'heading_open') {
      const title = (tokens[i + 1].children ?? []).filter((c) => c.type === 'text' || c.type === 'code_inline').map((c) => c.content).join('');
      anchors.add(slugger.slug(title));
    }
  });
  return { file, text, links, codeSpans, anchors };
}

const docs = new Map<string, Doc>();
let allText = '';

interface Manifest {
  scripts: Record<string, string>;
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, unknown> };
    views: Record<string, { id: string }[]>;
    viewsContainers: Record<string, { id: string }[]>;
  };
}
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const settings = new Set(Object.keys(manifest.contributes.configuration.properties));
const commands = manifest.contributes.commands;
const commandIds = new Set(commands.map((c) => c.command));
const viewIds = new Set([...Object.values(manifest.contributes.views), ...Object.values(manifest.contributes.viewsContainers)].flat().map((v) => v.id));

/** `kimiMilvus.x.y` names a setting; `kimiMilvus.x` (not followed by a dot) a command or a view. */
const SETTING = /\bkimiMilvus\.[a-z]+\.[A-Za-z]+\b/g;
const SINGLE_ID = /\bkimiMilvus\.[A-Za-z]+\b(?!\.)/g;

describe('docs', () => {
  before(async () => {
    const { default: GithubSlugger } = await import('github-slugger');
    newSlugger = () => new GithubSlugger();
    for (const f of DOCS) {
      docs.set(f, parseDoc(f));
    }
    allText = [...docs.values()].map((d) => d.text).join('\n');
  });

  it('every relative link and image resolves, and every #anchor names a heading of its page', () => {
    const broken: string[] = [];
    for (const doc of docs.values()) {
      for (const href of doc.links) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(href)) { // https:, mailto:, command: …
          continue;
        }
        const [target, anchor] = href.split('#', 2) as [string, string | undefined];
        const file = target ? path.resolve(path.dirname(doc.file), decodeURIComponent(target)) : doc.file;
        if (!existsSync(file)) {
          broken.push(`${rel(doc.file)}: ${href} (no such file)`);
        } else if (anchor && file.endsWith('.md')) {
          const anchors = docs.get(file)?.anchors ?? parseDoc(file).anchors;
          if (!anchors.has(anchor)) {
            broken.push(`${rel(doc.file)}: ${href} (no such heading)`);
          }
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it('the settings named exist in package.json, and every setting is documented', () => {
    const named = new Set(allText.match(SETTING) ?? []);
    assert.deepEqual([...named].filter((s) => !settings.has(s)), [], 'documented settings that do not exist');
    assert.deepEqual([...settings].filter((s) => !named.has(s)), [], 'settings documented nowhere');
  });

  it('the command and view ids named exist in package.json', () => {
    const named = new Set(allText.match(SINGLE_ID) ?? []);
    assert.deepEqual([...named].filter((id) => !commandIds.has(id) && !viewIds.has(id)), []);
  });

  it('"Kimi Milvus: <title>" names a real command, and docs/usage.md names every command', () => {
    const titles = commands.map((c) => c.title).sort((a, b) => b.length - a.length);
    const unknown = [...allText.matchAll(/Kimi Milvus: ([A-Z][^*`\n)]*)/g)]
      .map((m) => m[1])
      .filter((phrase) => !titles.some((t) => phrase === t || (phrase.startsWith(t) && /^\W/.test(phrase.slice(t.length)))));
    assert.deepEqual(unknown, []);
    const usage = readFileSync(path.join(root, 'docs', 'usage.md'), 'utf8');
    assert.deepEqual(commands.filter((c) => !usage.includes(c.title)).map((c) => c.title), [], 'commands docs/usage.md does not name');
  });

  it('every `npm run <script>` named exists in package.json', () => {
    const named = [...allText.matchAll(/\bnpm run ([\w:.-]+)/g)].map((m) => m[1]);
    assert.ok(named.length > 5, 'the docs name npm scripts');
    assert.deepEqual([...new Set(named)].filter((s) => !(s in manifest.scripts)), []);
  });

  it('every repository path in a code span exists', () => {
    // Example paths that stand for "a file of yours", not files of this repository.
    const examples = new Set(['src/a.ts', 'src/foghorn.js']);
    const missing: string[] = [];
    for (const doc of docs.values()) {
      for (const span of doc.codeSpans) {
        const m = /^((?:src|test|bench|scripts|docs|patches|media|resources)\/[^\s:*<>…]+)(?::[\d-]+)?$/.exec(span);
        if (!m || examples.has(m[1])) {
          continue;
        }
        if (!existsSync(path.join(root, m[1]))) {
          missing.push(`${rel(doc.file)}: ${span}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('no comment or doc cites a file outside the repository', () => {
    const self = path.join(__dirname, 'docs.test.ts');
    const sources = ['src', 'test', 'bench', 'scripts']
      .flatMap((d) => filesUnder(path.join(root, d), (f) => /\.(ts|mts|mjs|cjs|js)$/.test(f) && !f.includes(`${path.sep}fixtures${path.sep}`)))
      .filter((f) => f !== self);
    const outside = /shared\/(?:seeds|docs)\/|\bseeds\/000/;
    // In code, a Kimi API citation must name the in-repo page; in docs, links are checked above.
    const kimiApi = /(?<!docs\/reference\/)\bkimi-api\.md\b/;
    const citing = [
      ...sources.filter((f) => { const t = readFileSync(f, 'utf8'); return outside.test(t) || kimiApi.test(t); }),
      ...DOCS.filter((f) => outside.test(readFileSync(f, 'utf8'))),
    ];
    assert.deepEqual(citing.map(rel), []);
  });

  describe('docs/cli.md against the CLI help', function () {
    // Loading the CLI loads the Milvus SDK (no server is started): slow on a busy machine.
    this.timeout(120_000);
    const cliDoc = readFileSync(path.join(root, 'docs', 'cli.md'), 'utf8');
    let overview = '';
    const help = new Map<string, string>();
    const flagsOf = (text: string): Set<string> => new Set(text.match(/--[a-z][a-z0-9-]*/g) ?? []);

    before(async () => {
      const capture = async (argv: string[]): Promise<string> => {
        let out = '';
        const write = (t: string): void => {
          out += t;
        };
        await runCli(argv, { stdout: write, stderr: write, env: {} });
        return out;
      };
      overview = await capture(['--help']);
      const names = [...overview.slice(overview.indexOf('Commands:')).matchAll(/^ {2}([a-z]+(?: [a-z]+)?) {2,}\S/gm)].map((m) => m[1]);
      assert.ok(names.length >= 8, `commands parsed from the CLI's help: ${names.join(', ')}`);
      for (const name of names) {
        help.set(name, await capture([...name.split(' '), '--help']));
      }
    });

    it('names only commands the CLI has, and documents every one', () => {
      const named = [...cliDoc.matchAll(/\bkimi-milvus ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g)].map((m) =>
        help.has(`${m[1]} ${m[2]}`) ? `${m[1]} ${m[2]}` : m[1],
      );
      const groups = new Set([...help.keys()].map((n) => n.split(' ')[0]));
      assert.deepEqual([...new Set(named)].filter((n) => !help.has(n) && !groups.has(n)), [], 'commands the CLI does not have');
      assert.deepEqual([...help.keys()].filter((n) => !named.includes(n)), [], 'commands docs/cli.md leaves out');
    });

    it('gives each command only flags its help lists, and documents every flag', () => {
      const wrong: string[] = [];
      for (const line of cliDoc.split('\n')) {
        const m = /^kimi-milvus ([a-z]+(?: [a-z]+)?)/.exec(line.trim());
        if (!m) {
          continue;
        }
        const name = help.has(m[1]) ? m[1] : m[1].split(' ')[0];
        const own = flagsOf(help.get(name) ?? '');
        for (const flag of flagsOf(line.replace(/#.*$/, ''))) {
          if (!own.has(flag)) {
            wrong.push(`${name}: ${flag}`);
          }
        }
      }
      assert.deepEqual(wrong, [], 'flags given to a command whose help does not list them');
      const known = new Set([...help.values(), overview].flatMap((h) => [...flagsOf(h)]).concat('--version'));
      assert.deepEqual([...flagsOf(cliDoc)].filter((f) => !known.has(f)), [], 'flags no command has');
      const documented = flagsOf(cliDoc);
      assert.deepEqual([...known].filter((f) => !documented.has(f)), [], 'flags docs/cli.md leaves out');
    });

    it('names only environment variables the CLI reads, and documents every one its help lists', () => {
      const inHelp = new Set([...help.values(), overview].flatMap((h) => h.match(/\b(?:KIMI|MILVUS|EMBEDDING)_[A-Z_]+\b/g) ?? []));
      const inDoc = new Set(cliDoc.match(/\b(?:KIMI|MILVUS|EMBEDDING)_[A-Z_]+\b/g) ?? []);
      assert.deepEqual([...inDoc].filter((v) => !inHelp.has(v)), [], 'variables the CLI help does not know');
      assert.deepEqual([...inHelp].filter((v) => !inDoc.has(v)), [], 'variables docs/cli.md leaves out');
    });
  });
});
