import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readModelFolder } from '../../../src/core/embedding/localModel';
import { embedThreads } from '../../../src/core/embedding/localRuntime';
import { ConfigError } from '../../../src/core/errors';

describe('local embedder settings', () => {
  it('threads: the setting, else KIMI_EMBED_THREADS, else every core', () => {
    assert.equal(embedThreads(undefined, {}, 8), 8, 'all cores by default');
    assert.equal(embedThreads(0, {}, 8), 8, '0 in the setting means the default');
    assert.equal(embedThreads(undefined, { KIMI_EMBED_THREADS: '3' }, 8), 3);
    assert.equal(embedThreads(2, { KIMI_EMBED_THREADS: '3' }, 8), 2, 'the setting wins');
    assert.equal(embedThreads(undefined, { KIMI_EMBED_THREADS: ' ' }, 8), 8);
    assert.equal(embedThreads(undefined, {}, 0), 1, 'never no thread');
    for (const bad of ['0', '-1', '1.5', 'all']) {
      assert.throws(() => embedThreads(undefined, { KIMI_EMBED_THREADS: bad }, 8), (err: unknown) => err instanceof ConfigError && err.message.includes(`"${bad}"`));
    }
  });

  it("length: the model's training length from sentence_bert_config.json, not the 512 positions of config.json", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kimi-model-'));
    try {
      fs.writeFileSync(path.join(dir, 'model.onnx'), '');
      fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ hidden_size: 384, max_position_embeddings: 512 }));
      assert.equal(readModelFolder(dir).meta.maxTokens, 512, 'without sentence-transformers config: the positions');
      // What sentence-transformers writes next to all-MiniLM-L6-v2.
      fs.writeFileSync(path.join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 256, do_lower_case: false }));
      assert.equal(readModelFolder(dir).meta.maxTokens, 256);
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ dimensions: 384, maxTokens: 128 }));
      assert.equal(readModelFolder(dir).meta.maxTokens, 128, "the folder's own model.json says last");
      fs.rmSync(path.join(dir, 'model.json'));
      fs.writeFileSync(path.join(dir, 'sentence_bert_config.json'), '{ not json');
      assert.equal(readModelFolder(dir).meta.maxTokens, 512, 'a broken file is ignored, not fatal');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
