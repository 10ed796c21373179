import * as path from 'node:path';
import * as vscode from 'vscode';
import { documentText, type PlacedPart } from '../../core/documents/documentChunks';
import { LocalExtractor } from '../../core/documents/localExtractor';
import { parseLocator } from '../../core/documents/locator';
import { errorMessage } from '../../core/errors';
import type { SourceLink } from '../../shared/chatModel';

/** Read-only documents holding the text of a PDF, Office file or EPUB, read on this computer. */
export const DOCUMENT_SCHEME = 'kimi-milvus-document';

interface View {
  readonly text: string;
  readonly parts: readonly PlacedPart[];
}

/**
 * VS Code has no viewer for most documents, so a citation such as `spec.pdf p.12` opens the
 * document's text instead, at that page's heading. The text is read locally, whatever extractor
 * indexed the file: opening a source never uploads anything.
 */
class DocumentViews implements vscode.TextDocumentContentProvider {
  private readonly views = new Map<string, Promise<View>>();
  private readonly extractor = new LocalExtractor();

  provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    return this.view(uri).then((v) => v.text);
  }

  view(uri: vscode.Uri): Promise<View> {
    const key = uri.toString();
    let view = this.views.get(key);
    if (!view) {
      view = this.read(fileOf(uri));
      this.views.set(key, view);
      // Kept briefly: long enough to open and reveal, short enough that an edited file is read again.
      setTimeout(() => this.views.delete(key), 30_000).unref?.();
    }
    return view;
  }

  private async read(file: vscode.Uri): Promise<View> {
    try {
      const bytes = await vscode.workspace.fs.readFile(file);
      return documentText(await this.extractor.extract(bytes, file.fsPath));
    } catch (err) {
      return { text: `The text of ${path.basename(file.fsPath)} could not be read on this computer: ${errorMessage(err)}\n`, parts: [] };
    }
  }
}

function fileOf(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.file(uri.path.replace(/\.txt$/, ''));
}

let views: DocumentViews | undefined;

export function registerDocumentViews(context: vscode.ExtensionContext): void {
  views = new DocumentViews();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DOCUMENT_SCHEME, views));
}

/** Opens a document's text at the cited page, slide or sheet (or lines). */
export async function openDocumentSource(file: vscode.Uri, source: SourceLink): Promise<vscode.TextEditor | undefined> {
  if (!views) {
    return undefined;
  }
  const uri = vscode.Uri.from({ scheme: DOCUMENT_SCHEME, path: `${file.path}.txt` });
  const view = await views.view(uri);
  const locator = source.locator ? parseLocator(source.locator) : undefined;
  const part = locator ? view.parts.find((p) => p.part.kind === locator.kind && p.part.number === locator.number) : undefined;
  const line = part ? part.line : source.startLine;
  const endLine = part ? part.line : source.endLine;
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Active, preview: true });
  const range = doc.validateRange(new vscode.Range(line - 1, 0, endLine - 1, Number.MAX_SAFE_INTEGER));
  editor.selection = new vscode.Selection(range.start, range.start);
  editor.revealRange(range, vscode.TextEditorRevealType.AtTop);
  return editor;
}
