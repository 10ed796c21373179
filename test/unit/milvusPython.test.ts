import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StoreError } from '../../src/core/errors';
import { findPython } from '../../src/core/milvus/python';
import { failureMessage } from '../../src/cli/command';
import { userMessage } from '../../src/extension/errorText';

/** A stand-in interpreter that answers the probe with a fixed JSON line (POSIX shell script). */
function fakePython(dir: string, answer: string): string {
  const file = path.join(dir, `python-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, `#!/bin/sh\necho '${answer}'\n`, { mode: 0o755 });
  return file;
}

describe('Python discovery for Milvus Lite', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kimi-milvus-py-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const rejectsWith = async (pythonPath: string, pattern: RegExp): Promise<void> => {
    await assert.rejects(findPython(pythonPath), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.code, 'python-missing');
      assert.match(err.message, pattern);
      assert.match(err.message, /sudo apt install python3 python3-venv/);
      // The way around it is the front end's to word, by the code and what Python was for.
      assert.equal(err.details.purpose, 'milvus');
      assert.match(userMessage(err), /kimiMilvus\.milvus\.uri/);
      assert.match(failureMessage(err), /MILVUS_URI/);
      return true;
    });
  };

  it('accepts Python 3.10+ with venv', async () => {
    const info = await findPython(fakePython(dir, '{"v": [3, 12, 1], "venv": true}'));
    assert.equal(info.version, '3.12.1');
  });

  it('explains a too-old Python', () => rejectsWith(fakePython(dir, '{"v": [3, 8, 10], "venv": true}'), /3\.8\.10 is too old \(need 3\.10\+\)/));

  it('explains a Python without venv/ensurepip', () => rejectsWith(fakePython(dir, '{"v": [3, 11, 2], "venv": false}'), /lacks the venv/));

  it('explains a path that is no interpreter at all', async () => {
    await rejectsWith(path.join(dir, 'missing-python'), /not found/);
    await rejectsWith(fakePython(dir, 'hello'), /not a working Python/);
  });

  it('finds the real python3 of this machine', async () => {
    const info = await findPython(undefined);
    assert.match(info.version, /^3\.(1\d|[2-9]\d)\./);
  });
});
