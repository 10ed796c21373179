import picomatch from 'picomatch';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Mention } from '../../shared/chatModel';
import { WorkspacePaths } from '../../core/agent/workspacePaths';
import { readWorkspaceText } from '../../core/agent/tools/fileTools';
import type { Attachment } from './contextPrompt';

/** Files listed for suggestions; a bigger workspace is still searchable, just not exhaustively. */
const MAX_FILES = 20_000;
/** Suggestions shown for one query. */
export const MAX_SUGGESTIONS = 20;
/** The file list is reused this long, so each keystroke after @ does not walk the workspace again. */
const CACHE_MS = 15_000;

/**
 * The part of fzf's API used here. Its published .d.ts re-exports without file extensions, which
 * TypeScript cannot follow from a CommonJS module, so the shape is declared once here.
 */
interface FzfModule {
  Fzf: new (
    items: readonly Mention[],
    options: { selector: (m: Mention) => string; limit: number; tiebreakers: readonly unknown[]; casing: 'case-insensitive' },
  ) => { find(query: string): ReadonlyArray<{ readonly item: Mention }> };
  byLengthAsc: unknown;
}

/** The display form: folder-relative path, prefixed by the folder's name in a multi-root workspace. */
function label(m: Mention): string {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder = folders.length > 1 ? folders.find((f) => f.uri.fsPath === m.root) : undefined;
  return folder ? `${folder.name}/${m.path}` : m.path;
}

/** True when a path or one of its parent folders matches the `search.exclude` globs that are on. */
function searchExcluder(): (rel: string) => boolean {
  const globs = Object.entries(vscode.workspace.getConfiguration('search').get<Record<string, unknown>>('exclude') ?? {})
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
  if (globs.length === 0) {
    return () => false;
  }
  const match = picomatch(globs, { dot: true });
  return (rel) => {
    const parts = rel.split('/');
    return parts.some((_, i) => match(parts.slice(0, i + 1).join('/')));
  };
}

/**
 * What `@` offers: the workspace's files (VS Code's file search, so `files.exclude` applies, and
 * `search.exclude` on top) and the folders that hold them, ranked by fzf's fuzzy match.
 */
export class MentionSearch implements vscode.Disposable {
  private cache: { readonly at: number; readonly items: readonly Mention[] } | undefined;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);

  constructor() {
    // A created or deleted file changes the list; edits do not.
    this.watcher.onDidCreate(() => (this.cache = undefined));
    this.watcher.onDidDelete(() => (this.cache = undefined));
  }

  async search(query: string): Promise<readonly Mention[]> {
    const items = await this.all();
    const q = query.trim();
    if (q.length === 0) {
      // A bare @: the top of the tree, folders first (a question is often about one), then files by depth.
      const depth = (m: Mention): number => m.path.replace(/\/$/, '').split('/').length;
      return [...items]
        .sort((a, b) => depth(a) - depth(b) || Number(a.kind === 'file') - Number(b.kind === 'file') || a.path.localeCompare(b.path))
        .slice(0, MAX_SUGGESTIONS);
    }
    // A dynamic import: fzf's types are ESM-only (esbuild bundles its CommonJS build either way).
    const { Fzf, byLengthAsc } = (await import('fzf')) as unknown as FzfModule;
    const fzf = new Fzf(items, { selector: label, limit: MAX_SUGGESTIONS, tiebreakers: [byLengthAsc], casing: 'case-insensitive' });
    return fzf.find(q).map((r) => r.item);
  }

  private async all(): Promise<readonly Mention[]> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) {
      return this.cache.items;
    }
    const excluded = searchExcluder();
    const uris = await vscode.workspace.findFiles('**/*', undefined, MAX_FILES);
    const files: Mention[] = [];
    const folders = new Map<string, Mention>();
    for (const uri of uris) {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder || uri.scheme !== 'file') {
        continue;
      }
      const rel = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
      if (rel.startsWith('..') || excluded(rel)) {
        continue;
      }
      const root = folder.uri.fsPath;
      files.push({ kind: 'file', path: rel, root });
      const parts = rel.split('/').slice(0, -1);
      for (let i = 1; i <= parts.length; i++) {
        const dir = `${parts.slice(0, i).join('/')}/`;
        folders.set(`${root}\0${dir}`, { kind: 'folder', path: dir, root });
      }
    }
    files.sort((a, b) => a.path.localeCompare(b.path));
    const items = [...folders.values(), ...files];
    this.cache = { at: Date.now(), items };
    return items;
  }

  dispose(): void {
    this.watcher.dispose();
  }
}

/** The workspace folder a mention belongs to (its root, or the first folder), undefined if none. */
function folderOf(m: Mention): vscode.WorkspaceFolder | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return m.root === undefined ? folders[0] : folders.find((f) => f.uri.fsPath === m.root);
}

/** What a question's mentions add: mentioned files as attachments, folders as search_workspace's scope. */
export interface MentionContext {
  readonly attachments: readonly Attachment[];
  readonly searchScope: readonly string[];
  /** Said to the model about mentions that could not be attached. */
  readonly notes: readonly string[];
}

/**
 * Reads the mentioned files (only inside a workspace folder, only when the workspace is trusted:
 * Restricted Mode attaches nothing) and collects the mentioned folders.
 */
export async function resolveMentions(mentions: readonly Mention[], trusted: boolean): Promise<MentionContext> {
  const attachments: Attachment[] = [];
  const searchScope: string[] = [];
  const notes: string[] = [];
  for (const m of mentions) {
    const folder = folderOf(m);
    if (!folder) {
      notes.push(`${m.path}: not in an open workspace folder, not attached.`);
      continue;
    }
    if (m.kind === 'folder') {
      searchScope.push(m.path.endsWith('/') ? m.path : `${m.path}/`);
      continue;
    }
    if (!trusted) {
      notes.push(`${m.path}: not attached, because this workspace is not trusted (Restricted Mode).`);
      continue;
    }
    let text: string;
    try {
      // The tools' safe read: inside the folder, no secret files, no links out, a known text encoding.
      text = (await readWorkspaceText({ paths: new WorkspacePaths([folder.uri.fsPath]) }, m.path)).text;
    } catch (err) {
      notes.push(`${m.path}: not attached (${err instanceof Error ? err.message : String(err)}).`);
      continue;
    }
    const lines = text.length === 0 ? 1 : text.split('\n').length;
    const source = { path: m.path, startLine: 1, endLine: lines, root: folder.uri.fsPath };
    attachments.push({ source, text, language: path.extname(m.path).slice(1), kind: 'file' });
  }
  return { attachments, searchScope, notes };
}

/** What the model is told about mentioned folders (the search scope) and mentions left out. */
export function mentionNotes(m: MentionContext): string {
  const lines = [
    ...(m.searchScope.length > 0 ? [`The user mentioned ${m.searchScope.join(', ')}: search_workspace only searches there for this question.`] : []),
    ...m.notes,
  ];
  return lines.length > 0 ? `\n\n${lines.join('\n')}` : '';
}
