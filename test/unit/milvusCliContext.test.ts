import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { cliDataDir, cliMilvusConfig, defaultDataDir } from '../../src/cli/context';
import type { CliIO, ParsedArgs } from '../../src/cli/command';

function io(env: NodeJS.ProcessEnv, cwd = '/work'): CliIO {
  return { stdout: () => undefined, stderr: () => undefined, env, cwd, signal: new AbortController().signal };
}
const args = (values: ParsedArgs['values']): ParsedArgs => ({ values, positionals: [] });

describe('CLI Milvus context', () => {
  it('defaults the data dir per OS convention', () => {
    assert.equal(defaultDataDir({ HOME: '/home/u' }, 'linux'), path.join('/home/u', '.local', 'share', 'kimi-milvus'));
    assert.equal(defaultDataDir({ HOME: '/home/u', XDG_DATA_HOME: '/xdg' }, 'linux'), path.join('/xdg', 'kimi-milvus'));
    assert.equal(defaultDataDir({ HOME: '/Users/u' }, 'darwin'), path.join('/Users/u', 'Library', 'Application Support', 'kimi-milvus'));
    assert.equal(defaultDataDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32'), path.join('C:\\Users\\u\\AppData\\Local', 'kimi-milvus'));
  });

  it('prefers --data-dir over KIMI_MILVUS_DATA_DIR, resolved against the cwd', () => {
    assert.equal(cliDataDir(io({ KIMI_MILVUS_DATA_DIR: '/env/dir' }), args({ 'data-dir': 'rel' })), path.resolve('/work', 'rel'));
    assert.equal(cliDataDir(io({ KIMI_MILVUS_DATA_DIR: '/env/dir' }), args({})), path.resolve('/env/dir'));
  });

  it('takes the Milvus URI from the flag or MILVUS_URI and the token from MILVUS_TOKEN only', () => {
    const env = { MILVUS_URI: 'http://env:19530', MILVUS_TOKEN: 'root:Milvus', HOME: '/h' };
    assert.equal(cliMilvusConfig(io(env), args({ 'milvus-uri': 'http://flag:1' })).uri, 'http://flag:1');
    const fromEnv = cliMilvusConfig(io(env), args({}));
    assert.equal(fromEnv.uri, 'http://env:19530');
    assert.equal(fromEnv.token, 'root:Milvus');
    assert.equal(cliMilvusConfig(io({ MILVUS_URI: '  ', HOME: '/h' }), args({})).uri, undefined);
  });
});
