/** Codebase tools: read_file (a line range around a search hit) and list_files (glob). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { throwIfAborted } from '../../errors';
import { ALWAYS_SKIPPED_DIRS } from '../../indexing/constants';
import { isSecretFile } from '../../secrets';
import type { ToolEnv } from './context';
import { int, str, untrusted } from './context';
import { readWorkspaceText } from './fileTools';
import { fail, ok, type Tool } from './registry';

const MAX_LINES = 400;
const MAX_CHARS = 40_000;
const MAX_VISITED = 50_000;

export function readFile(env: ToolEnv): Tool {
  return {
    name: 'read_file',
    description: `Read lines of a workspace file (at most ${MAX_LINES} per call), e.g. around a search hit. Cite what you use as "path:start-end".`,
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'File path, relative to the workspace' },
        start_line: { type: 'integer', minimum: 1, default: 1, description: 'First line (1-based)' },
        end_line: { type: 'integer', minimum: 1, description: `Last line, inclusive (default: start_line + ${MAX_LINES - 1})` },
      },
      required: ['path'],
    },
    async run(args) {
      if (!env.trusted) {
        return untrusted('read_file');
      }
      const file = await readWorkspaceText(env, str(args.path));
      const lines = file.text.split(/\r?\n/);
      const total = lines.length;
      const start = Math.min(int(args.start_line, 1), Math.max(total, 1));
      let end = Math.min(total, int(args.end_line, start + MAX_LINES - 1), start + MAX_LINES - 1);
      if (end < start) {
        return fail(`end_line (${end}) is before start_line (${start}).`);
      }
      let content = lines.slice(start - 1, end).join('\n');
      if (content.length > MAX_CHARS) {
        // Keep whole lines: cut back to the last line that fits.
        const cut = content.lastIndexOf('\n', MAX_CHARS);
        content = content.slice(0, cut > 0 ? cut : MAX_CHARS);
        end = start + content.split('\n').length - 1;
      }
      const root = (await env.paths.folderOf(file.absPath))?.folder;
      return ok(
        {
          path: file.relPath,
          citation: `${file.relPath}:${start}-${end}`,
          start_line: start,
          end_line: end,
          total_lines: total,
          content,
          ...(end < total ? { note: `More lines follow; read from line ${end + 1}.` } : {}),
        },
        `${file.relPath}:${start}-${end}`,
        [{ path: file.relPath, startLine: start, endLine: end, ...(root ? { root } : {}) }],
      );
    },
  };
}

export function listFiles(env: ToolEnv): Tool {
  return {
    name: 'list_files',
    description: 'List files of the workspace matching a glob (e.g. "**/*.ts", "src/**/test*"). Dependency and build folders are skipped.',
    parameters: {
      type: 'object',
      properties: {
        pattern: { type: 'string', default: '**/*', description: 'Glob relative to the workspace (or to `path`)' },
        path: { type: 'string', description: 'Only under this folder, relative to the workspace' },
        limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200, description: 'Maximum files returned' },
      },
      required: [],
    },
    async run(args, signal) {
      if (!env.trusted) {
        return untrusted('list_files');
      }
      const isMatch = picomatch(str(args.pattern) || '**/*', { dot: true });
      const { files, truncated } = await collectFiles(env, await listStarts(env, args), isMatch, int(args.limit, 200), signal);
      return ok(
        {
          message: `${files.length} file(s) match${truncated ? ' (list truncated; narrow the pattern or path)' : ''}`,
          files,
          truncated,
        },
        `${files.length} file(s)`,
      );
    },
  };
}

interface WalkStart {
  readonly dir: string;
  readonly base: string;
  /** How a path relative to `base` is shown to the model. */
  readonly label: (rel: string) => string;
}

/** `path` when given, else every workspace folder (the first one's files without its name). */
async function listStarts(env: ToolEnv, args: Record<string, unknown>): Promise<WalkStart[]> {
  if (args.path !== undefined) {
    const r = await env.paths.resolve(str(args.path));
    const first = env.workspaceFolders[0] === r.folder;
    return [{ dir: r.absPath, base: r.absPath, label: (rel) => (first ? path.posix.join(r.relPath, rel) : path.join(r.absPath, rel)) }];
  }
  return env.workspaceFolders.map((folder, i) => ({ dir: folder, base: folder, label: (rel) => (i === 0 ? rel : path.join(folder, rel)) }));
}

async function collectFiles(
  env: ToolEnv,
  starts: readonly WalkStart[],
  isMatch: (rel: string) => boolean,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  let visited = 0;
  let truncated = false;
  const walk = async (dir: string, base: string, label: (rel: string) => string): Promise<void> => {
    throwIfAborted(signal);
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (files.length >= limit || visited++ > MAX_VISITED) {
        truncated = true;
        return;
      }
      const full = path.join(dir, entry.name);
      const rel = path.relative(base, full).split(path.sep).join('/');
      // Symlinked directories are not followed: they can loop or lead out of the workspace.
      if (entry.isDirectory()) {
        if (!ALWAYS_SKIPPED_DIRS.has(entry.name) && !isSecretFile(`${rel}/x`)) {
          await walk(full, base, label);
        }
      } else if ((entry.isFile() || entry.isSymbolicLink()) && !isSecretFile(rel) && isMatch(rel)) {
        if (entry.isSymbolicLink() && !(await env.paths.resolve(full).then(() => true, () => false))) {
          continue;
        }
        files.push(label(rel));
      }
    }
  };
  for (const s of starts) {
    await walk(s.dir, s.base, s.label);
  }
  return { files, truncated };
}
