import * as path from 'node:path';
import * as vscode from 'vscode';
import { isAbortError } from '../../core/errors';
import { isValidCollectionName } from '../../core/indexing/collectionName';
import { discoverFiles } from '../../core/indexing/discover';
import { abortSignalFor } from '../cancellation';
import { Commands } from '../constants';
import { userMessage } from '../errorText';
import type { Services } from '../services';
import { requireTrust } from '../trust';

const NEW_COLLECTION = '$(add) New collection…';

export interface AddFilesResult {
  readonly collection: string;
  readonly added: readonly string[];
  /** `detail`: why, in words (a document that could not be read). */
  readonly skipped: readonly { readonly path: string; readonly reason: string; readonly detail?: string }[];
  readonly failed: readonly { readonly path: string; readonly message: string }[];
}

/**
 * Add File to Collection, from the Explorer (multi-select; folders add their files) or the
 * palette. Arguments: `(uri?, uris?, { collection }?)` — the third lets tests skip the quick pick.
 */
export function registerAddFiles(context: vscode.ExtensionContext, services: Services, onChanged: () => void): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.addFileToCollection, async (uri?: unknown, uris?: unknown, options?: unknown) => {
      if (!requireTrust(services.trust, 'Adding files is off')) {
        return undefined;
      }
      const targets = await pickTargets(uri, uris);
      if (targets.length === 0) {
        return undefined;
      }
      const preset = isObject(options) && typeof options.collection === 'string' ? options.collection : undefined;
      if (preset !== undefined && !isValidCollectionName(preset)) {
        void vscode.window.showErrorMessage(`Kimi Milvus: "${preset}" is not a valid collection name.`);
        return undefined;
      }
      try {
        const collection = preset ?? (await pickCollection(services));
        if (!collection) {
          return undefined;
        }
        const result = await addFiles(services, targets, collection);
        onChanged();
        return result;
      } catch (err) {
        if (!isAbortError(err)) {
          void vscode.window.showErrorMessage(`Kimi Milvus: could not add the files. ${userMessage(err)}`);
        }
        return undefined;
      }
    }),
  );
}

async function pickTargets(uri: unknown, uris: unknown): Promise<vscode.Uri[]> {
  if (Array.isArray(uris) && uris.length > 0 && uris.every((u) => u instanceof vscode.Uri)) {
    return uris;
  }
  if (uri instanceof vscode.Uri) {
    return [uri];
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: true,
    openLabel: 'Add to Collection',
    defaultUri: vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked ?? [];
}

async function pickCollection(services: Services): Promise<string | undefined> {
  const store = await services.store();
  const collections = await store.listCollections();
  const items: vscode.QuickPickItem[] = [
    ...collections.map((c) => ({ label: c.name, description: `${c.rowCount} rows`, detail: c.description || undefined })),
    { label: NEW_COLLECTION, alwaysShow: true },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: 'Kimi Milvus: Add to which collection?', placeHolder: 'Collection' });
  if (!choice) {
    return undefined;
  }
  if (choice.label !== NEW_COLLECTION) {
    return choice.label;
  }
  const existing = new Set(collections.map((c) => c.name));
  return vscode.window.showInputBox({
    title: 'Kimi Milvus: New collection',
    prompt: 'Letters, digits and underscores; starts with a letter or underscore; at most 64 characters.',
    ignoreFocusOut: true,
    validateInput: (v) =>
      !isValidCollectionName(v)
        ? 'Use letters, digits and _ only, start with a letter or _, at most 64 characters.'
        : existing.has(v)
          ? 'That collection exists; pick it from the list instead.'
          : undefined,
  });
}

/** The workspace folder containing a path, else the path's own directory (files outside the workspace). */
function rootFor(absPath: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(absPath));
  return folder ? folder.uri.fsPath : path.dirname(absPath);
}

async function addFiles(services: Services, targets: readonly vscode.Uri[], collection: string): Promise<AddFilesResult> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Kimi Milvus: adding to ${collection}`, cancellable: true },
    async (progress, token) => {
      const { signal, dispose } = abortSignalFor(token);
      try {
        const config = await services.config();
        const files: string[] = [];
        for (const target of targets) {
          const stat = await vscode.workspace.fs.stat(target);
          if (stat.type & vscode.FileType.Directory) {
            // A folder added by hand brings its documents too, whatever Index Workspace does with them.
            for await (const entry of discoverFiles(target.fsPath, { ...config.index, documents: true }, signal)) {
              if (entry.kind === 'file') {
                files.push(entry.absPath);
              }
            }
          } else {
            files.push(target.fsPath);
          }
        }
        const [indexer, store, embedder] = await Promise.all([services.indexer(), services.store(), services.embedder()]);
        await store.ensureCollection(collection, { embedding: embedder.spec, description: 'Files added with "Add File to Collection"' }, signal);
        const added: string[] = [];
        const skipped: { path: string; reason: string; detail?: string }[] = [];
        const failed: { path: string; message: string }[] = [];
        for (const [i, file] of files.entries()) {
          progress.report({ message: `${i + 1}/${files.length} ${path.basename(file)}`, increment: 100 / files.length });
          try {
            const result = await indexer.indexFile(file, collection, rootFor(file), signal);
            if (result.skipped) {
              skipped.push({ path: file, reason: result.skipped, ...(result.detail ? { detail: result.detail } : {}) });
              if (result.detail) {
                services.log.warn(result.detail);
              }
            } else {
              added.push(file);
            }
          } catch (err) {
            if (isAbortError(err)) {
              throw err;
            }
            failed.push({ path: file, message: userMessage(err) });
            services.log.warn(`Could not add ${file}: ${userMessage(err)}`);
          }
        }
        const text =
          `Added ${added.length} ${added.length === 1 ? 'file' : 'files'} to ${collection}` +
          (skipped.length ? `; skipped ${skipped.map((s) => (s.detail ? s.detail.replace(/\.$/, '') : `${path.basename(s.path)} (${s.reason})`)).join('; ')}` : '') +
          (failed.length ? `; ${failed.length} failed (see the log).` : '.');
        services.log.info(text);
        void vscode.window.showInformationMessage(`Kimi Milvus: ${text}`);
        return { collection, added, skipped, failed };
      } finally {
        dispose();
      }
    },
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
