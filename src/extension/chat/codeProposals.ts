import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SourceLink } from '../../shared/chatModel';
import { resolveSource, showLines } from './sourceOpener';

/** The scheme of the read-only documents that hold a proposed version of a file. */
export const PROPOSAL_SCHEME = 'kimi-milvus-proposal';

interface Proposal {
  readonly target: vscode.Uri;
  readonly proposalUri: vscode.Uri;
  readonly content: string;
  /** The document version the proposal was computed from: accepting over newer edits is refused. */
  readonly version: number;
  readonly settle: (accepted: boolean) => void;
}

/** The new file text: the block replaces the cited lines, or the whole file when no lines were cited. */
export function proposedContent(current: string, code: string, target: SourceLink, wholeFile: boolean): string {
  if (wholeFile) {
    return code;
  }
  const eol = current.includes('\r\n') ? '\r\n' : '\n';
  const lines = current.split(/\r?\n/);
  const start = Math.min(target.startLine, lines.length + 1) - 1;
  const end = Math.min(target.endLine, lines.length);
  const block = code.replace(/\r?\n$/, '').split(/\r?\n/);
  return [...lines.slice(0, start), ...block, ...lines.slice(end)].join(eol);
}

/** The lines (1-based, inclusive) of `after` that differ from `before`; undefined when nothing changed. */
export function changedLines(before: string, after: string): { readonly start: number; readonly end: number } | undefined {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  let top = 0;
  while (top < a.length && top < b.length && a[top] === b[top]) {
    top++;
  }
  if (top === a.length && top === b.length) {
    return undefined;
  }
  let tail = 0;
  while (tail < a.length - top && tail < b.length - top && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
    tail++;
  }
  // Lines only removed: the line where they were.
  const end = Math.max(top + 1, b.length - tail);
  return { start: Math.min(top + 1, b.length), end: Math.min(end, b.length) };
}

/**
 * Apply for a code block: shows the change as a diff (the file against a read-only proposal
 * document) and applies it only when the user accepts, as one WorkspaceEdit on that file, so
 * Undo reverts it and nothing is saved behind the user's back.
 */
export class CodeProposals implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly proposals = new Map<string, Proposal>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private seq = 0;

  /** `scheme`: where this instance's proposal documents live (tests use their own). */
  constructor(private readonly scheme = PROPOSAL_SCHEME) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.proposals.get(uri.toString())?.content ?? '';
  }

  /** Opens the diff; resolves true when the change was applied, false when rejected or dismissed. */
  async propose(code: string, target: SourceLink, wholeFile: boolean): Promise<boolean> {
    const uri = await resolveSource(target);
    if (!uri) {
      void vscode.window.showWarningMessage(`Kimi Milvus: ${target.path} is not in this workspace, so the code cannot be applied to it.`);
      return false;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    const content = proposedContent(doc.getText(), code, target, wholeFile);
    const proposalUri = vscode.Uri.from({ scheme: this.scheme, path: `/${++this.seq}/${path.basename(uri.fsPath)}` });
    const name = vscode.workspace.asRelativePath(uri);
    let settle: (accepted: boolean) => void = () => undefined;
    const decided = new Promise<boolean>((resolve) => (settle = resolve));
    this.proposals.set(proposalUri.toString(), { target: uri, proposalUri, content, version: doc.version, settle });
    await vscode.commands.executeCommand('vscode.diff', uri, proposalUri, `${name} ↔ Kimi's proposal`, { preview: false });
    void vscode.window
      .showInformationMessage(`Apply Kimi's change to ${name}? The diff shows it; Undo reverts it.`, 'Accept', 'Reject')
      .then(async (choice) => {
        // Dismissed: the diff stays open, and its title bar has Accept and Reject too.
        if (choice === 'Accept') {
          await this.accept(proposalUri);
        } else if (choice === 'Reject') {
          await this.reject(proposalUri);
        }
      });
    return decided;
  }

  /** The proposal shown in the active diff editor, for the editor-title buttons. */
  private activeProposal(uri?: vscode.Uri): Proposal | undefined {
    const key = uri?.scheme === this.scheme ? uri.toString() : vscode.window.activeTextEditor?.document.uri.toString();
    return key ? this.proposals.get(key) : [...this.proposals.values()].at(-1);
  }

  async accept(uri?: vscode.Uri): Promise<boolean> {
    const p = this.activeProposal(uri);
    if (!p) {
      return false;
    }
    this.proposals.delete(p.proposalUri.toString());
    const doc = await vscode.workspace.openTextDocument(p.target);
    if (doc.version !== p.version) {
      void vscode.window.showWarningMessage(
        `Kimi Milvus: ${vscode.workspace.asRelativePath(p.target)} changed since the proposal was made; click Apply again.`,
      );
      await this.closeDiff(p);
      p.settle(false);
      return false;
    }
    const before = doc.getText();
    const edit = new vscode.WorkspaceEdit();
    edit.replace(p.target, new vscode.Range(doc.positionAt(0), doc.positionAt(before.length)), p.content);
    const applied = await vscode.workspace.applyEdit(edit);
    await this.closeDiff(p);
    if (applied) {
      const editor = await vscode.window.showTextDocument(doc, { preview: false });
      confirmApplied(editor, changedLines(before, p.content));
    }
    p.settle(applied);
    return applied;
  }

  async reject(uri?: vscode.Uri): Promise<void> {
    const p = this.activeProposal(uri);
    if (p) {
      this.proposals.delete(p.proposalUri.toString());
      await this.closeDiff(p);
      p.settle(false);
    }
  }

  private async closeDiff(p: Proposal): Promise<void> {
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === p.proposalUri.toString());
    if (tabs.length > 0) {
      await vscode.window.tabGroups.close(tabs);
    }
  }

  dispose(): void {
    for (const p of this.proposals.values()) {
      p.settle(false);
    }
    this.proposals.clear();
    this.changed.dispose();
  }
}

/** After Accept: the changed lines are shown and highlighted, and a message says which they are. */
function confirmApplied(editor: vscode.TextEditor, lines: { readonly start: number; readonly end: number } | undefined): void {
  const name = vscode.workspace.asRelativePath(editor.document.uri);
  if (!lines) {
    void vscode.window.showInformationMessage(`Kimi Milvus: ${name} already had Kimi's change; nothing changed.`);
    return;
  }
  const range = editor.document.validateRange(new vscode.Range(lines.start - 1, 0, lines.end - 1, Number.MAX_SAFE_INTEGER));
  showLines(editor, range);
  const where = lines.start === lines.end ? `line ${lines.start}` : `lines ${lines.start}-${lines.end}`;
  void vscode.window.showInformationMessage(`Kimi Milvus: applied Kimi's change to ${name}, ${where} (highlighted). Undo reverts it.`);
}
