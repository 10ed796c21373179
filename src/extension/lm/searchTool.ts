/**
 * `kimi-milvus_searchWorkspace`: the Milvus index as a VS Code language-model tool, so VS Code's
 * own agent mode and any chat participant can search it. It runs the agent's search_workspace
 * (same collections, hybrid search and citations as our chat); only the result is rendered as
 * text for the calling model.
 */
import * as vscode from 'vscode';
import type { ToolEnv } from '../../core/agent/tools/context';
import { toolEnv } from '../../core/agent/tools/context';
import { searchResultText } from '../../core/agent/tools/resultText';
import { searchWorkspace } from '../../core/agent/tools/searchTools';
import type { ChatCollections } from '../collections/chatCollections';
import { abortSignalFor } from '../cancellation';
import { userMessage } from '../errorText';
import { extensionToolContext } from '../toolContext';
import type { Services } from '../services';

/** Equal to `contributes.languageModelTools[].name` in package.json. */
export const SEARCH_TOOL_NAME = 'kimi-milvus_searchWorkspace';

/** The agent tool's arguments (its JSON schema is repeated in package.json; a unit test keeps them equal). */
export interface SearchWorkspaceInput {
  readonly query: string;
  readonly path?: string;
  readonly extensions?: string[];
  readonly limit?: number;
}

/** The extension's tool environment: the lazily opened store, the current folders and trust. */
export async function extensionToolEnv(services: Services, chatCollections: ChatCollections): Promise<ToolEnv> {
  const [store, embedder, indexer] = await Promise.all([services.store(), services.embedder(), services.indexer()]);
  return toolEnv(extensionToolContext(services, chatCollections, { store, embedder, indexer }));
}

export class SearchWorkspaceTool implements vscode.LanguageModelTool<SearchWorkspaceInput> {
  constructor(
    private readonly services: Services,
    private readonly chatCollections: ChatCollections,
  ) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<SearchWorkspaceInput>): vscode.PreparedToolInvocation {
    const where = options.input.path ? ` under ${options.input.path}` : '';
    // Read-only: no confirmation, only what VS Code shows while it runs.
    return { invocationMessage: `Searching the Milvus index for "${options.input.query}"${where}` };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<SearchWorkspaceInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const cancel = abortSignalFor(token);
    try {
      let env: ToolEnv;
      try {
        env = await extensionToolEnv(this.services, this.chatCollections);
      } catch (err) {
        // The calling model reads the thrown message and can tell the user what to fix.
        throw new Error(`The Milvus index is not available: ${userMessage(err)}`, { cause: err });
      }
      // VS Code does not enforce the schema's bounds, so the limit is clamped here.
      const limit = Math.min(30, Math.max(1, Math.trunc(Number(options.input.limit ?? 8)) || 8));
      const outcome = await searchWorkspace(env).run({ ...options.input, limit }, cancel.signal);
      // The calling model is outside the process: no key in what it reads (a provider may echo one).
      if (!outcome.result.success) {
        throw new Error(this.services.redactor.redact(String(outcome.result.message)));
      }
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(this.services.redactor.redact(searchResultText(outcome.result)))]);
    } finally {
      cancel.dispose();
    }
  }
}

export function registerLanguageModelTools(context: vscode.ExtensionContext, services: Services, chatCollections: ChatCollections): void {
  // Builds without the language-model API (older hosts, some forks) simply go without the tool.
  if (typeof vscode.lm?.registerTool !== 'function') {
    services.log.info('This VS Code has no language-model tool API; kimi-milvus_searchWorkspace is not registered.');
    return;
  }
  context.subscriptions.push(vscode.lm.registerTool(SEARCH_TOOL_NAME, new SearchWorkspaceTool(services, chatCollections)));
}
