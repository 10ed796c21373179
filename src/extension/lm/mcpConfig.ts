/**
 * "Kimi Milvus: Copy MCP Server Configuration": puts on the clipboard a configuration that makes an
 * MCP client (VS Code agent mode, Cursor, Claude Code, Kimi CLI) run this extension's own CLI on
 * this extension's Milvus data dir, so the client and the chat share one server and one index.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { Services } from '../services';
import { MCP_TARGETS, mcpConfigText, type McpLaunch } from './mcpConfigText';

export function registerMcpConfigCommand(context: vscode.ExtensionContext, services: Services): void {
  context.subscriptions.push(
    // The optional argument picks the client without the quick pick (keybindings, tests).
    vscode.commands.registerCommand(Commands.copyMcpConfig, async (wanted?: unknown): Promise<string | undefined> => {
      let target = MCP_TARGETS.find((t) => t.target === wanted)?.target;
      if (!target) {
        const picked = await vscode.window.showQuickPick(
          MCP_TARGETS.map((t) => ({ label: t.label, detail: t.detail, target: t.target })),
          { title: 'Copy MCP server configuration for…', placeHolder: 'The MCP client that should search this index' },
        );
        target = picked?.target;
      }
      if (!target) {
        return undefined;
      }
      const text = mcpConfigText(target, await launchOf(context, services));
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage(
        target === 'vscode' || target === 'cursor'
          ? 'MCP configuration copied: paste it into the file named in the list. No key was copied; the client asks for it.'
          : 'MCP command copied: run it in your project folder. No key was copied; replace the <your …> placeholders if shown.',
      );
      return text;
    }),
  );
}

async function launchOf(context: vscode.ExtensionContext, services: Services): Promise<McpLaunch> {
  const config = await services.config();
  const embedding = config.embedding.baseUrl || config.embedding.apiKey ? config.embedding : undefined;
  return {
    // The Node that runs this extension host; VS Code desktop's is Electron, run as Node.
    command: process.execPath,
    runAsNode: Boolean(process.versions.electron),
    cliPath: context.asAbsolutePath('dist/cli.js'),
    dataDir: services.dataDir,
    milvusUri: config.milvus.uri,
    embedding: embedding && { baseUrl: embedding.baseUrl, model: embedding.model, dimensions: embedding.dimensions },
    needsEmbeddingKey: Boolean(config.embedding.apiKey),
    needsMilvusToken: Boolean(config.milvus.uri && config.milvus.token),
  };
}
