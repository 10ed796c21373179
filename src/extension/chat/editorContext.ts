import * as vscode from 'vscode';
import type { SourceLink } from '../../shared/chatModel';
import type { ContextChip } from '../../shared/protocol';
import type { Attachment } from './contextPrompt';

/** Lines above and below the cursor sent when nothing is selected. */
const CURSOR_LINES = 20;
/** Longest selection captured (characters); the prompt budget trims further. */
const MAX_CAPTURE_CHARS = 200_000;

/** The active editor's selection, or the lines around its cursor, as an attachment (undefined: no file editor). */
export function captureEditor(editor: vscode.TextEditor | undefined): Attachment | undefined {
  if (!editor || (editor.document.uri.scheme !== 'file' && editor.document.uri.scheme !== 'untitled')) {
    return undefined;
  }
  const doc = editor.document;
  const sel = editor.selection;
  let range: vscode.Range;
  let kind: Attachment['kind'];
  if (sel.isEmpty) {
    const line = sel.active.line;
    range = new vscode.Range(Math.max(0, line - CURSOR_LINES), 0, Math.min(doc.lineCount - 1, line + CURSOR_LINES), Number.MAX_SAFE_INTEGER);
    kind = 'cursor';
  } else {
    // A selection ending at column 0 of a line does not include that line.
    const endLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line - 1 : sel.end.line;
    range = new vscode.Range(sel.start.line, 0, endLine, Number.MAX_SAFE_INTEGER);
    kind = 'selection';
  }
  range = doc.validateRange(range);
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  const source: SourceLink = {
    path: doc.uri.scheme === 'file' ? vscode.workspace.asRelativePath(doc.uri, false) : doc.uri.path,
    startLine: range.start.line + 1,
    endLine: range.end.line + 1,
    ...(folder ? { root: folder.uri.fsPath } : {}),
  };
  const text = kind === 'selection' ? doc.getText(new vscode.Range(sel.start, sel.end)) : doc.getText(range);
  return { source, text: text.slice(0, MAX_CAPTURE_CHARS), language: doc.languageId, kind };
}

export function chipOf(id: string, a: Attachment): ContextChip {
  const lines = a.source.startLine === a.source.endLine ? `${a.source.startLine}` : `${a.source.startLine}-${a.source.endLine}`;
  // Editor chips are never whole files ('file' is for @-mentions, which have chips of their own).
  return { id, label: `${a.source.path}:${lines}`, kind: a.kind === 'selection' ? 'selection' : 'cursor', source: a.source };
}

/**
 * What the next question carries: the active editor (a live chip that follows the selection)
 * and the selections the user added with "Add Selection to Chat". Added ones are captured at
 * once, so later edits or a closed editor do not change what the user chose.
 */
export class EditorContext implements vscode.Disposable {
  private readonly added = new Map<string, Attachment>();
  private seq = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    const soon = (): void => {
      // Selections change on every keystroke; the chip needs updating only when the user pauses.
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.changed.fire(), 150);
    };
    this.disposables.push(vscode.window.onDidChangeActiveTextEditor(soon), vscode.window.onDidChangeTextEditorSelection(soon));
  }

  /** The active editor's chip, if a file editor is active. */
  activeChip(): ContextChip | undefined {
    const a = captureEditor(vscode.window.activeTextEditor);
    return a ? chipOf('active', a) : undefined;
  }

  addedChips(): ContextChip[] {
    return [...this.added].map(([id, a]) => chipOf(id, a));
  }

  /** Adds the active editor's selection (or cursor lines); false when no file editor is active. */
  addSelection(editor = vscode.window.activeTextEditor): boolean {
    const a = captureEditor(editor);
    if (!a) {
      return false;
    }
    const duplicate = [...this.added.values()].some((b) => chipOf('', b).label === chipOf('', a).label);
    if (!duplicate) {
      this.added.set(`added-${++this.seq}`, a);
    }
    this.changed.fire();
    return true;
  }

  remove(id: string): void {
    if (this.added.delete(id)) {
      this.changed.fire();
    }
  }

  /** The attachments the chip ids stand for, leaving them in place (the context meter counts them). */
  peek(ids: readonly string[]): Attachment[] {
    return ids.flatMap((id) => {
      const a = id === 'active' ? captureEditor(vscode.window.activeTextEditor) : this.added.get(id);
      return a ? [a] : [];
    });
  }

  /** The attachments for the chip ids the webview sends with a question; added ones are used up. */
  take(ids: readonly string[]): Attachment[] {
    const out: Attachment[] = [];
    for (const id of ids) {
      const a = id === 'active' ? captureEditor(vscode.window.activeTextEditor) : this.added.get(id);
      if (a) {
        out.push(a);
      }
      this.added.delete(id);
    }
    if (ids.length > 0) {
      this.changed.fire();
    }
    return out;
  }

  dispose(): void {
    clearTimeout(this.timer);
    while (this.disposables.length > 0) {
      this.disposables.pop()?.dispose();
    }
  }
}
