// Packages the extension with `npm run package` and checks the VSIX a user would install: it holds
// only what runs (manifest, README, LICENSE, bundles, webview assets), is small, and its bundles
// need nothing outside the VSIX at run time.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import MarkdownIt from 'markdown-it';
import * as yauzl from 'yauzl';
import { OUTPUT_CHANNEL_NAME } from '../../src/extension/constants';
import { useWorkbench } from '../e2e/workbench';

const root = path.resolve(__dirname, '..', '..');
const vsixPath = path.join(root, 'kimi-milvus-chat.vsix');
const MAX_BYTES = 5 * 1024 * 1024;

/** VSIX entries (paths, inside the zip) allowed to exist: everything else is a packaging mistake. */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/(LICENSE|LICENSE\.txt|license\.md)$/i,
  /^extension\/dist\/[^/]+\.js(\.map)?$/,
  /^extension\/media\/.+$/,
  /^extension\/resources\/models\/[^/]+\/[^/]+\.json$/,
  // The documentation the README (the Marketplace page) links to, and the screenshots it shows.
  /^extension\/CONTRIBUTING\.md$/,
  /^extension\/docs\/.+\.md$/,
  /^extension\/docs\/images\/[^/]+\.png$/,
];

/** Modules the bundles may require at run time besides Node built-ins: the host's `vscode`, and
 * optional native accelerators that dependencies load inside try/catch (see esbuild.mjs). */
const OPTIONAL_EXTERNALS = new Set(['vscode', 'bufferutil', 'utf-8-validate', '@aws-sdk/signature-v4-crt']);

function readVsix(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) {
        reject(err ?? new Error('cannot open VSIX'));
        return;
      }
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) {
            reject(e ?? new Error(`cannot read ${entry.fileName}`));
            return;
          }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('VSIX package', function () {
  this.timeout(240_000);
  let entries: Map<string, Buffer>;
  const text = (name: string): string => {
    const data = entries.get(name);
    assert.ok(data, `${name} is not in the VSIX`);
    return data.toString('utf8');
  };

  /** The packaged CLI as a user's copy of it: the launcher and the bundle it runs. */
  const copyCli = (dir: string): string => {
    writeFileSync(path.join(dir, 'cliMain.js'), text('extension/dist/cliMain.js'));
    writeFileSync(path.join(dir, 'cli.js'), text('extension/dist/cli.js'));
    return path.join(dir, 'cli.js');
  };

  before(async () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['run', 'package'], { cwd: root, encoding: 'utf8', timeout: 200_000 });
    assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
    entries = await readVsix(vsixPath);
    const size = statSync(vsixPath).size;
    console.log(`      ${path.basename(vsixPath)}: ${(size / 1024).toFixed(1)} KB, ${entries.size} entries`);
    for (const [name, data] of [...entries].sort(([a], [b]) => a.localeCompare(b))) {
      console.log(`        ${name} (${(data.length / 1024).toFixed(1)} KB)`);
    }
  });

  it('contains only what runs', () => {
    const unexpected = [...entries.keys()].filter((name) => !ALLOWED.some((re) => re.test(name)));
    assert.deepEqual(unexpected, []);
  });

  it('has no sources, tests, dependencies or caches', () => {
    const bad = [...entries.keys()].filter((n) => /^extension\/(src|test|node_modules|\.cache|out|scripts|bench)\//.test(n) || /\.ts$/.test(n));
    assert.deepEqual(bad, []);
  });

  it('has the manifest, README, LICENSE, the bundles with source maps, and the webview assets', () => {
    const names = [...entries.keys()];
    for (const required of [/^extension\/package\.json$/, /^extension\/readme\.md$/i, /^extension\/LICENSE(\.txt)?$/i]) {
      assert.ok(names.some((n) => required.test(n)), `missing ${required}`);
    }
    for (const bundle of ['extension', 'webview', 'cli', 'cliMain']) {
      assert.ok(entries.has(`extension/dist/${bundle}.js`), `missing dist/${bundle}.js`);
      assert.ok(entries.has(`extension/dist/${bundle}.js.map`), `missing dist/${bundle}.js.map`);
    }
    assert.ok(names.some((n) => n.startsWith('extension/media/')), 'no webview assets');
    // The local model's tokenizer ships; its weights are downloaded on first use.
    assert.ok(entries.has('extension/resources/models/all-MiniLM-L6-v2-int8/tokenizer.json'), 'missing the local model tokenizer');
  });

  it("the packaged manifest's main and icon paths exist in the VSIX", () => {
    const manifest = JSON.parse(text('extension/package.json')) as {
      main: string;
      contributes: { viewsContainers: { activitybar: { icon: string }[] } };
    };
    const inVsix = (p: string) => entries.has(`extension/${path.posix.normalize(p)}`);
    assert.ok(inVsix(manifest.main.endsWith('.js') ? manifest.main : `${manifest.main}.js`), `main ${manifest.main} not packaged`);
    for (const c of manifest.contributes.viewsContainers.activitybar) {
      assert.ok(inVsix(c.icon), `icon ${c.icon} not packaged`);
    }
  });

  it("the packaged README's relative links and images resolve inside the VSIX", () => {
    const readme = [...entries.keys()].find((n) => /^extension\/readme\.md$/i.test(n));
    assert.ok(readme, 'no README in the VSIX');
    const targets = new MarkdownIt({ html: true })
      .parse(text(readme), {})
      .flatMap((t) => t.children ?? [])
      .filter((t) => t.type === 'link_open' || t.type === 'image')
      .map((t) => t.attrGet(t.type === 'image' ? 'src' : 'href'))
      .map((href) => (href === null ? null : String(href)))
      .filter((href): href is string => !!href && !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('#'));
    assert.ok(targets.some((t) => t.endsWith('.png')), 'the README shows a screenshot');
    const missing = targets.map((t) => t.split('#')[0]).filter((t) => !entries.has(`extension/${path.posix.normalize(t)}`));
    assert.deepEqual(missing, []);
  });

  it('the Node bundles need only vscode, Node built-ins and optional accelerators at run time', async () => {
    // esbuild re-resolves every real require()/import in the packaged bundles (strings that merely
    // look like require calls, as in ajv's code generator, are not), from a folder without
    // node_modules: whatever it cannot resolve would be missing for a user too.
    const dir = mkdtempSync(path.join(tmpdir(), 'kimi-milvus-vsix-'));
    try {
      // PDF.js, which the extension and the CLI bundle load from beside them on the first PDF.
      writeFileSync(path.join(dir, 'pdf.js'), text('extension/dist/pdf.js'));
      for (const bundle of ['extension', 'cli', 'cliMain']) {
        const file = path.join(dir, `${bundle}.js`);
        writeFileSync(file, text(`extension/dist/${bundle}.js`));
        const unresolved: string[] = [];
        const collect = (messages: esbuild.Message[]) =>
          messages.forEach((m) => {
            const name = /Could not resolve "([^"]+)"/.exec(m.text)?.[1];
            if (name) {
              unresolved.push(name);
            }
          });
        try {
          const r = await esbuild.build({
            entryPoints: [file],
            bundle: true,
            write: false,
            platform: 'node',
            format: 'cjs',
            external: [...OPTIONAL_EXTERNALS],
            logLevel: 'silent',
          });
          collect(r.warnings);
        } catch (e) {
          const failure = e as { errors?: esbuild.Message[]; warnings?: esbuild.Message[] };
          collect(failure.errors ?? []);
          collect(failure.warnings ?? []);
          if (!failure.errors) {
            throw e;
          }
        }
        assert.deepEqual(unresolved, [], `dist/${bundle}.js requires modules that are not in the VSIX`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the packaged CLI runs on its own, outside the repo', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kimi-milvus-cli-'));
    try {
      const cli = copyCli(dir);
      const r = spawnSync(process.execPath, [cli, '--help'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /kimi-milvus/);
      assert.match(r.stdout, /\bindex\b/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the packaged CLI serves MCP on its own: a handshake and the tool list on stdout, nothing else', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kimi-milvus-mcp-'));
    try {
      const cli = copyCli(dir);
      const help = spawnSync(process.execPath, [cli, 'mcp', '--help'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /search_workspace \{query, path\?, extensions\?, limit\?\}/);
      const input = [
        { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'vsix-test', version: '1' } } },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      ].map((m) => JSON.stringify(m)).join('\n') + '\n';
      const r = spawnSync(process.execPath, [cli, 'mcp', '--root', dir], { cwd: dir, input, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      const messages = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: number; result: { tools?: Array<{ name: string }> } });
      assert.deepEqual(messages.map((m) => m.id), [1, 2]);
      assert.ok(messages[1].result.tools?.some((t) => t.name === 'search_workspace'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stack traces from the minified bundles resolve to src/ through their source maps', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kimi-milvus-map-'));
    try {
      const bundle = path.join(dir, 'extension.js');
      writeFileSync(bundle, text('extension/dist/extension.js'));
      writeFileSync(`${bundle}.map`, text('extension/dist/extension.js.map'));
      // Outside VS Code the bundle's first statement, require('vscode'), throws: a real error
      // raised inside minified code, whose stack must name the TypeScript source.
      const probe = `process.setSourceMapsEnabled(true); try { require(${JSON.stringify(bundle)}); } catch (e) { console.log(e.stack); }`;
      const r = spawnSync(process.execPath, ['-e', probe], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Cannot find module 'vscode'/);
      assert.match(r.stdout, /src[\\/]extension[\\/]extension\.ts:\d+:\d+/, r.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Node bundles build the Milvus gRPC definitions through the memo (scripts/proto-loader-memo.cjs)', () => {
    for (const bundle of ['extension', 'cliMain']) {
      const map = JSON.parse(text(`extension/dist/${bundle}.js.map`)) as { sources: string[] };
      assert.ok(map.sources.some((s) => s.endsWith('scripts/proto-loader-memo.cjs')), `${bundle}.js has no memo`);
      assert.ok(map.sources.some((s) => s.includes('@grpc/proto-loader/')), `${bundle}.js has no proto-loader`);
    }
  });

  it('ships PDF.js once, in dist/pdf.js, which the extension and the CLI load on demand', () => {
    const pdf = text('extension/dist/pdf.js');
    assert.match(pdf, /getDocumentProxy/);
    for (const bundle of ['extension', 'cliMain']) {
      const code = text(`extension/dist/${bundle}.js`);
      assert.match(code, /require\("\.\/pdf\.js"\)/, `${bundle}.js does not load dist/pdf.js`);
      assert.ok(!code.includes('Invalid PDF structure'), `${bundle}.js carries its own copy of PDF.js`);
    }
  });

  it('is smaller than 5 MB', () => {
    const size = statSync(vsixPath).size;
    assert.ok(size < MAX_BYTES, `VSIX is ${(size / 1024 / 1024).toFixed(2)} MB`);
  });

  describe('installed into code-server like a user would', () => {
    // Proves the bundles run from the VSIX alone: no node_modules, no sources, no dev path.
    const wb = useWorkbench({ name: 'vsix', installVsix: [vsixPath], developmentExtension: false });

    it('activates: the chat view renders and Show Logs opens its output channel', async () => {
      await wb().openKimiView();
      const frame = await wb().chatFrame();
      assert.ok((await frame.locator('body').innerText()).trim().length > 0, 'the chat webview rendered no text');
      await wb().runCommand('Kimi Milvus: Show Logs');
      const deadline = Date.now() + 15_000;
      let channel = await wb().visibleOutputChannel();
      while (channel !== OUTPUT_CHANNEL_NAME && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        channel = await wb().visibleOutputChannel();
      }
      assert.equal(channel, OUTPUT_CHANNEL_NAME);
      await wb().screenshot('installed-vsix');
    });
  });
});
