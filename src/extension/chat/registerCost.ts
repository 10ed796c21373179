import * as vscode from 'vscode';
import { isAbortError } from '../../core/errors';
import { Commands } from '../constants';
import { userMessage } from '../errorText';
import type { Services } from '../services';
import type { AgentChatEngine } from './agentEngine';
import { ChatCosts } from './chatCosts';
import type { ChatSession } from './chatSession';
import type { ChatStore } from './chatStore';
import { ContextMeterHost } from './contextMeterHost';
import { chatCostHooks, type ChatCostHooks } from './costHooks';
import type { EditorContext } from './editorContext';

export interface CostParts {
  readonly services: Services;
  readonly session: ChatSession;
  readonly store: ChatStore;
  readonly engine: AgentChatEngine;
  readonly editorContext: EditorContext;
}

/** The chat's meter, cost totals and budget, and the Compact Conversation command. */
export function registerChatCosts(context: vscode.ExtensionContext, parts: CostParts): ChatCostHooks {
  const { services, session } = parts;
  const costs = new ChatCosts(parts.store, session, services.log);
  const meter = new ContextMeterHost(parts.engine, session, parts.editorContext, () => services.trust.trusted, services.log);
  context.subscriptions.push(
    costs,
    meter,
    vscode.commands.registerCommand(Commands.compactConversation, () => compactConversation(session)),
  );
  return chatCostHooks(services, costs, meter, services.log);
}

/** Summarises the open conversation's earlier turns now, in a cancellable notification, and says what happened. */
export async function compactConversation(session: ChatSession): Promise<void> {
  try {
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Kimi Milvus: summarising earlier turns…', cancellable: true },
      (_progress, token) => {
        const listener = token.onCancellationRequested(() => session.stop());
        return session.compact().finally(() => {
          listener.dispose();
        });
      },
    );
    if (outcome.kind !== 'done') {
      const why = outcome.kind === 'empty' ? 'this conversation has nothing to compact yet.' : 'wait for the answer to finish (or stop it), then compact the conversation.';
      void vscode.window.showInformationMessage(`Kimi Milvus: ${why}`);
    } else if (outcome.report.summary) {
      const n = outcome.report.summary.turns;
      void vscode.window.showInformationMessage(`Kimi Milvus: ${n} earlier turn${n === 1 ? '' : 's'} summarised; open "Earlier turns summarised" in the chat to read the summary.`);
    } else if (outcome.report.failure) {
      const n = outcome.report.shortenedResults;
      const shortened = n > 0 ? `; ${n} old tool result${n === 1 ? ' was' : 's were'} shortened` : '';
      void vscode.window.showWarningMessage(`Kimi Milvus: the conversation could not be summarised (${outcome.report.failure})${shortened}. Nothing was left out.`);
    } else {
      void vscode.window.showInformationMessage('Kimi Milvus: there are no earlier turns to summarise.');
    }
  } catch (err) {
    if (!isAbortError(err)) {
      void vscode.window.showErrorMessage(`Kimi Milvus: ${userMessage(err)}`);
    }
  }
}
