import * as vscode from 'vscode';

/**
 * Remembers the text editor the user last worked in, and whether its selection is one the user
 * made. Insert at Cursor uses it: a citation click opens (and focuses) another file, and a
 * selection set by code must never be replaced by an insert, or a click on `decoder.py:254-282`
 * followed by Insert would overwrite those lines.
 */
export class EditorTracker implements vscode.Disposable {
  private last: { readonly uri: string; selections: readonly vscode.Selection[] } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        // Keyboard and mouse come from the user; Command (or no kind) from code: revealRange, our citations, other extensions.
        if (e.kind === vscode.TextEditorSelectionChangeKind.Keyboard || e.kind === vscode.TextEditorSelectionChangeKind.Mouse) {
          this.remember(e.textEditor, e.selections);
        } else if (this.last?.uri === e.textEditor.document.uri.toString()) {
          // Code moved the selection in the user's editor: keep the carets, never its selection.
          this.last.selections = e.selections.map((s) => new vscode.Selection(s.active, s.active));
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const editor = vscode.window.activeTextEditor;
        if (e.contentChanges.length > 0 && editor && editor.document === e.document && isFileEditor(editor)) {
          this.remember(editor, editor.selections);
        }
      }),
    );
  }

  private remember(editor: vscode.TextEditor, selections: readonly vscode.Selection[]): void {
    if (isFileEditor(editor)) {
      this.last = { uri: editor.document.uri.toString(), selections: [...selections] };
    }
  }

  /**
   * Where an insert goes: the editor the user last typed or clicked in (shown again if it was
   * replaced), else the active editor. Selections the user did not make collapse to their caret.
   */
  async target(): Promise<{ readonly editor: vscode.TextEditor; readonly ranges: readonly vscode.Range[] } | undefined> {
    const last = this.last;
    if (last) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === last.uri && !d.isClosed);
      if (doc) {
        const visible = vscode.window.visibleTextEditors.find((e) => e.document === doc);
        const editor = visible ?? (await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false }));
        return { editor, ranges: last.selections.map((s) => doc.validateRange(s)) };
      }
    }
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors.find(isFileEditor);
    if (!editor) {
      return undefined;
    }
    return { editor, ranges: editor.selections.map((s) => new vscode.Range(s.active, s.active)) };
  }

  dispose(): void {
    while (this.disposables.length > 0) {
      this.disposables.pop()?.dispose();
    }
  }
}

/** Text editors on files or untitled documents, not the Output panel or other special documents. */
function isFileEditor(editor: vscode.TextEditor): boolean {
  return editor.document.uri.scheme === 'file' || editor.document.uri.scheme === 'untitled' || editor.document.uri.scheme === 'vscode-remote';
}
