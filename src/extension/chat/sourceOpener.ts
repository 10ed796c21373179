import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SourceLink } from '../../shared/chatModel';

/**
 * Resolves a source the webview asks to open. The webview is not trusted: the root must be one
 * of the workspace folders (or is ignored), and the path must stay inside it.
 */
export async function resolveSource(source: SourceLink): Promise<vscode.Uri | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const roots = source.root && folders.includes(source.root) ? [source.root, ...folders.filter((f) => f !== source.root)] : folders;
  for (const root of roots) {
    const candidate = path.resolve(root, source.path);
    const rel = path.relative(root, candidate);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      continue;
    }
    try {
      await vscode.workspace.fs.stat(vscode.Uri.file(candidate));
      return vscode.Uri.file(candidate);
    } catch {
      // Not in this folder; try the next one.
    }
  }
  return undefined;
}

export async function openSource(source: SourceLink): Promise<boolean> {
  const uri = await resolveSource(source);
  if (!uri) {
    void vscode.window.showWarningMessage(`Kimi Milvus: ${source.path} is not in this workspace.`);
    return false;
  }
  const start = new vscode.Position(source.startLine - 1, 0);
  const end = new vscode.Position(Math.max(source.endLine - 1, source.startLine - 1), Number.MAX_SAFE_INTEGER);
  const doc = await vscode.workspace.openTextDocument(uri);
  const range = doc.validateRange(new vscode.Range(start, end));
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Active, preview: true });
  // The cited range is selected with the cursor on its first line, so it is both visible and where typing goes.
  editor.selection = new vscode.Selection(range.end, range.start);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return true;
}

/** Inserts code at the cursor(s) of the last active text editor. */
export async function insertAtCursor(code: string): Promise<boolean> {
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
  if (!editor) {
    void vscode.window.showInformationMessage('Kimi Milvus: open a file to insert the code into.');
    return false;
  }
  return editor.edit((b) => {
    for (const selection of editor.selections) {
      b.replace(selection, code);
    }
  });
}
