import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { CHAT_VIEW_ID } from './constants';

/** The chat panel in the side bar. */
export class ChatViewProvider implements vscode.WebviewViewProvider {
  static readonly viewType = CHAT_VIEW_ID;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    const mediaRoot = vscode.Uri.joinPath(this.extensionUri, 'media');
    const distRoot = vscode.Uri.joinPath(this.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [mediaRoot, distRoot] };
    const nonce = randomBytes(16).toString('base64');
    const script = view.webview.asWebviewUri(vscode.Uri.joinPath(distRoot, 'webview.js'));
    const style = view.webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'chat.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${view.webview.cspSource}`,
      `img-src ${view.webview.cspSource} data:`,
      `font-src ${view.webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    view.webview.html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style}" rel="stylesheet">
<title>Kimi Milvus Chat</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
    this.log.debug('chat view resolved');
  }
}
