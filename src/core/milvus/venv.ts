/**
 * The private virtual environment that holds Milvus Lite. Created once with the user's
 * Python, filled with pinned packages by pip, then reused: a marker file records what was
 * installed, so a later run only checks one small file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError, throwIfAborted } from '../errors';
import type { Logger } from '../logger';
import { acquireLock } from './fileLock';
import { PIP_REQUIREMENTS, VENV_MARKER } from './pins';
import { findPython, type PythonPurpose } from './python';
import { runProcess } from './run';

export interface VenvOptions {
  readonly venvDir: string;
  readonly pythonPath: string | undefined;
  readonly logger: Logger;
  readonly onProgress?: (message: string) => void;
  readonly signal?: AbortSignal;
  /** What to install; default Milvus Lite's pins. The local embedder's runtime passes its own. */
  readonly packages?: VenvPackages;
}

/** A set of pinned pip requirements, the import that proves them, and a name for messages. */
export interface VenvPackages {
  readonly label: string;
  readonly requirements: readonly string[];
  /** Python code that imports the packages and prints a version. */
  readonly verify: string;
  /** What the packages are for; a front end words the way around a failed install by it. */
  readonly purpose: PythonPurpose;
}

const MILVUS_PACKAGES: VenvPackages = {
  label: 'Milvus Lite',
  requirements: PIP_REQUIREMENTS,
  verify: 'import milvus_lite, pymilvus; print(milvus_lite.__version__)',
  purpose: 'milvus',
};

const CREATE_TIMEOUT_MS = 3 * 60_000;
/** pip downloads ~150 MB (pyarrow, faiss, numpy, pandas, grpcio); slow links need minutes. */
const PIP_TIMEOUT_MS = 20 * 60_000;
const VERIFY_TIMEOUT_MS = 60_000;

export function venvPython(venvDir: string): string {
  return process.platform === 'win32'
    ? path.join(venvDir, 'Scripts', 'python.exe')
    : path.join(venvDir, 'bin', 'python');
}

function markerMatches(venvDir: string, requirements: readonly string[]): boolean {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(venvDir, VENV_MARKER), 'utf8'));
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      'requirements' in parsed &&
      JSON.stringify(parsed.requirements) === JSON.stringify(requirements) &&
      fs.existsSync(venvPython(venvDir))
    );
  } catch {
    return false;
  }
}

/** Makes sure the venv exists with the pinned packages (default Milvus Lite); returns its Python. */
export async function ensureVenv(options: VenvOptions): Promise<string> {
  const { venvDir, signal } = options;
  const packages = options.packages ?? MILVUS_PACKAGES;
  if (markerMatches(venvDir, packages.requirements)) {
    return venvPython(venvDir);
  }
  // Parallel processes (two windows, parallel test runs) must not pip into one venv at once.
  const lock = await acquireLock(`${path.resolve(venvDir)}.lock`, {
    timeoutMs: PIP_TIMEOUT_MS + CREATE_TIMEOUT_MS,
    purpose: `another process installing ${packages.label}`,
    signal,
  });
  try {
    if (markerMatches(venvDir, packages.requirements)) {
      return venvPython(venvDir);
    }
    const progress = (message: string): void => {
      options.logger.info(message);
      options.onProgress?.(message);
    };
    if (!fs.existsSync(venvPython(venvDir))) {
      await createVenv(options, packages, progress);
    }
    throwIfAborted(signal);
    await pipInstall(options, packages, progress);
    const version = await verifyInstall(options, packages);
    fs.writeFileSync(
      path.join(venvDir, VENV_MARKER),
      JSON.stringify({ requirements: packages.requirements, installedAt: new Date().toISOString() }),
    );
    progress(`${packages.label} ${version} is installed.`);
    return venvPython(venvDir);
  } finally {
    lock.release();
  }
}

async function createVenv(options: VenvOptions, { label, purpose }: VenvPackages, progress: (message: string) => void): Promise<void> {
  const { venvDir, signal } = options;
  const python = await findPython(options.pythonPath, purpose);
  progress(`Creating a Python ${python.version} environment for ${label} in ${venvDir}…`);
  fs.mkdirSync(path.dirname(venvDir), { recursive: true });
  const created = await runProcess(python.command, [...python.args, '-m', 'venv', venvDir], {
    timeoutMs: CREATE_TIMEOUT_MS,
    signal,
  });
  if (created.code !== 0 || !fs.existsSync(venvPython(venvDir))) {
    throw new StoreError(
      `Could not create a Python virtual environment in ${venvDir} with ${python.command}:\n${created.tail}\n` +
        'On Debian/Ubuntu install the venv module: sudo apt install python3-venv',
      'python-missing',
      { details: { purpose } },
    );
  }
}

async function pipInstall(options: VenvOptions, { label, requirements, purpose }: VenvPackages, progress: (message: string) => void): Promise<void> {
  progress(`Installing ${label} (${requirements.join(', ')}) with pip; this takes a few minutes the first time…`);
  const pip = await runProcess(
    venvPython(options.venvDir),
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', ...requirements],
    {
      timeoutMs: PIP_TIMEOUT_MS,
      signal: options.signal,
      onLine: (line) => {
        if (/^(Collecting|Downloading|Installing|Successfully)/.test(line.trim())) {
          progress(`pip: ${line.trim()}`);
        } else {
          options.logger.debug(`pip: ${line}`);
        }
      },
    },
  );
  if (pip.code !== 0) {
    throw new StoreError(
      `pip could not install ${label}${pip.timedOut ? ' (timed out)' : ''}. Check your network or proxy ` +
        `(pip honours HTTPS_PROXY and PIP_INDEX_URL).\n${pip.tail}`,
      'install-failed',
      { details: { purpose } },
    );
  }
}

/** Imports the packages in the venv; returns the version they print. */
async function verifyInstall(options: VenvOptions, { label, verify: verifyCode, purpose }: VenvPackages): Promise<string> {
  const verify = await runProcess(venvPython(options.venvDir), ['-c', verifyCode], {
    timeoutMs: VERIFY_TIMEOUT_MS,
    signal: options.signal,
  });
  if (verify.code !== 0) {
    throw new StoreError(`${label} was installed but does not import:\n${verify.tail}`, 'install-failed', { details: { purpose } });
  }
  return verify.tail.trim().split('\n').pop() ?? '';
}
