import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SourceLink } from '../../shared/chatModel';
import { isDocumentPath } from '../../core/documents/formats';
import { openDocumentSource } from '../documents/documentView';
import type { EditorTracker } from './editorTracker';

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

/** A soft highlight of the cited lines: shows the range without selecting it. */
const citedRange = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
  border: '1px solid',
  borderColor: new vscode.ThemeColor('editor.rangeHighlightBorder'),
});

let clearOnUserMove: vscode.Disposable | undefined;

export async function openSource(source: SourceLink): Promise<boolean> {
  const uri = await resolveSource(source);
  if (!uri) {
    void vscode.window.showWarningMessage(`Kimi Milvus: ${source.path} is not in this workspace.`);
    return false;
  }
  if (isDocumentPath(source.path)) {
    return (await openDocumentSource(uri, source)) !== undefined;
  }
  const start = new vscode.Position(source.startLine - 1, 0);
  const end = new vscode.Position(Math.max(source.endLine - 1, source.startLine - 1), Number.MAX_SAFE_INTEGER);
  const doc = await vscode.workspace.openTextDocument(uri);
  const range = doc.validateRange(new vscode.Range(start, end));
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Active, preview: true });
  // The caret goes to the first cited line and the range is only highlighted, never selected:
  // a selection here would be replaced by the next typed key or Insert at Cursor.
  editor.selection = new vscode.Selection(range.start, range.start);
  editor.setDecorations(citedRange, [range]);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  clearOnUserMove?.dispose();
  // The highlight goes once the user moves on in that editor (click or key), as a search match does.
  clearOnUserMove = vscode.window.onDidChangeTextEditorSelection((e) => {
    if (e.textEditor === editor && e.kind !== undefined && e.kind !== vscode.TextEditorSelectionChangeKind.Command) {
      editor.setDecorations(citedRange, []);
      clearOnUserMove?.dispose();
      clearOnUserMove = undefined;
    }
  });
  return true;
}

/**
 * Inserts code at the caret(s) of the editor the user last worked in. Only a selection the user
 * made there is replaced; see EditorTracker.
 */
export async function insertAtCursor(code: string, tracker: EditorTracker): Promise<boolean> {
  const target = await tracker.target();
  if (!target) {
    void vscode.window.showInformationMessage('Kimi Milvus: open a file to insert the code into.');
    return false;
  }
  const { editor, ranges } = target;
  const done = await editor.edit((b) => {
    for (const range of ranges) {
      b.replace(range, code);
    }
  });
  if (done) {
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  }
  return done;
}
