/**
 * Finds a Python interpreter able to create the private venv for Milvus Lite: version
 * >= 3.10 with the venv and ensurepip modules (Debian splits those into python3-venv).
 */
import { execFile } from 'node:child_process';
import { StoreError } from '../errors';
import { MIN_PYTHON } from './pins';
import { childEnv } from '../redaction';

export interface PythonInfo {
  readonly command: string;
  readonly args: readonly string[];
  readonly version: string;
}

const PROBE =
  'import sys, json\n' +
  'ok = True\n' +
  'try:\n import venv, ensurepip\n' +
  'except Exception:\n ok = False\n' +
  'print(json.dumps({"v": list(sys.version_info[:3]), "venv": ok}))';

const PROBE_TIMEOUT_MS = 15_000;

export const PYTHON_HELP =
  'Python 3.10 or newer with the venv module is needed. Install it ' +
  '(Debian/Ubuntu: `sudo apt install python3 python3-venv`; macOS: `brew install python@3.12`; ' +
  'Windows: python.org or `winget install Python.Python.3.12`).';

/** What a Python runtime is for; a front end words the way around a missing one by it. */
export type PythonPurpose = 'milvus' | 'local-embedding';

interface Probe {
  readonly version: [number, number, number];
  readonly hasVenv: boolean;
}

function probe(command: string, args: readonly string[]): Promise<Probe | { error: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args, '-c', PROBE],
      { timeout: PROBE_TIMEOUT_MS, windowsHide: true, env: childEnv(process.env, { PYTHONIOENCODING: 'utf-8' }) },
      (err, stdout) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          resolve({ error: code === 'ENOENT' ? 'not found' : err.killed ? 'did not answer in time' : err.message.split('\n')[0] });
          return;
        }
        try {
          const parsed: unknown = JSON.parse(stdout.trim().split('\n').pop() ?? '');
          if (typeof parsed === 'object' && parsed !== null && 'v' in parsed && Array.isArray(parsed.v)) {
            const [a, b, c] = parsed.v.map((n: unknown) => (typeof n === 'number' ? n : 0));
            resolve({ version: [a ?? 0, b ?? 0, c ?? 0], hasVenv: 'venv' in parsed && parsed.venv === true });
            return;
          }
        } catch {
          // Fall through: not a Python that understood the probe.
        }
        resolve({ error: 'is not a working Python interpreter' });
      },
    );
  });
}

function candidates(pythonPath: string | undefined): Array<{ command: string; args: string[] }> {
  if (pythonPath && pythonPath.trim()) {
    return [{ command: pythonPath.trim(), args: [] }];
  }
  const list: Array<{ command: string; args: string[] }> = [
    { command: 'python3', args: [] },
    { command: 'python', args: [] },
  ];
  if (process.platform === 'win32') {
    list.unshift({ command: 'py', args: ['-3'] });
  }
  return list;
}

function atLeast(v: readonly number[], min: readonly number[]): boolean {
  return (v[0] ?? 0) > (min[0] ?? 0) || ((v[0] ?? 0) === (min[0] ?? 0) && (v[1] ?? 0) >= (min[1] ?? 0));
}

/** Returns the first usable interpreter, or throws StoreError('python-missing') saying what to install. */
export async function findPython(pythonPath: string | undefined, purpose: PythonPurpose = 'milvus'): Promise<PythonInfo> {
  const problems: string[] = [];
  for (const c of candidates(pythonPath)) {
    const result = await probe(c.command, c.args);
    const label = [c.command, ...c.args].join(' ');
    if ('error' in result) {
      problems.push(`${label}: ${result.error}`);
      continue;
    }
    const version = result.version.join('.');
    if (!atLeast(result.version, MIN_PYTHON)) {
      problems.push(`${label}: Python ${version} is too old (need ${MIN_PYTHON.join('.')}+)`);
      continue;
    }
    if (!result.hasVenv) {
      problems.push(`${label}: Python ${version} lacks the venv/ensurepip modules (Debian/Ubuntu: sudo apt install python3-venv)`);
      continue;
    }
    return { command: c.command, args: c.args, version };
  }
  throw new StoreError(`No usable Python found (${problems.join('; ')}). ${PYTHON_HELP}`, 'python-missing', { details: { purpose } });
}
