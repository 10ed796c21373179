import { strict as assert } from 'node:assert';
import { phaseMessage, phaseOf } from '../../../src/extension/indexing/runProgress';

describe('index run phases (what the notification and the status bar say while a first run prepares)', () => {
  it('Milvus Lite provisioning lines are the setup phase; its start is the start phase', () => {
    for (const raw of [
      'Creating a Python 3.11.2 environment for Milvus Lite in /home/u/.vscode-server/data/venv…',
      'Installing Milvus Lite (milvus-lite==3.2.2, pymilvus==3.0.2) with pip; this takes a few minutes the first time…',
      'pip: Installing collected packages: urllib3, tzdata, numpy',
    ]) {
      assert.equal(phaseOf('milvus', raw), 'milvus-setup', raw);
    }
    assert.equal(phaseOf('milvus', 'Starting Milvus Lite…'), 'milvus-start');
    assert.equal(phaseMessage('milvus-setup'), 'Setting up Milvus (first run, about a minute)…');
  });

  it('the local model: its download keeps the figure, its runtime install is the model setup phase', () => {
    assert.equal(phaseOf('model', 'Downloading all-MiniLM-L6-v2: 12 / 21 MB'), 'model-download');
    assert.equal(phaseMessage('model-download', 'Downloading all-MiniLM-L6-v2: 12 / 21 MB'), 'Downloading the local embedding model (12 / 21 MB)…');
    assert.equal(phaseOf('model', 'pip: Collecting onnxruntime'), 'model-setup');
    assert.equal(phaseOf('model', 'Starting the embedding server…'), 'model-start');
  });

  it('a migration shows how far the copy is', () => {
    assert.equal(phaseMessage('copy', undefined, 41.7), 'Copying the index for the new embedding model (41%)…');
  });
});
