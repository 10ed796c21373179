import * as vscode from 'vscode';
import { confirmDestructive } from './confirm';
import { KimiApiError, errorMessage, isAbortError } from '../core/errors';
import { userMessage } from './errorText';
import { Commands } from './constants';
import type { SecretName, SecretStore } from './secretStore';
import type { Services } from './services';

interface SecretPrompt {
  readonly name: SecretName;
  readonly command: string;
  readonly title: string;
  readonly prompt: string;
  readonly placeHolder: string;
}

const PROMPTS: readonly SecretPrompt[] = [
  {
    name: 'kimiApiKey',
    command: Commands.setKimiApiKey,
    title: 'Kimi API Key',
    prompt: 'Paste your Kimi (Moonshot AI) API key. It is stored in VS Code SecretStorage and checked by listing the models.',
    placeHolder: 'sk-…',
  },
  {
    name: 'embeddingApiKey',
    command: Commands.setEmbeddingApiKey,
    title: 'Embedding API Key',
    prompt: 'API key of the OpenAI-compatible embeddings endpoint (kimiMilvus.embedding.baseUrl). Without one, search is BM25 only.',
    placeHolder: 'sk-…',
  },
  {
    name: 'milvusToken',
    command: Commands.setMilvusToken,
    title: 'Milvus Token',
    prompt: 'Token for a remote Milvus or Zilliz Cloud (kimiMilvus.milvus.uri), e.g. "user:password" or an API key.',
    placeHolder: 'token',
  },
];

/**
 * Set/clear commands for the three credentials. Each set command also accepts the value as its
 * first argument, so tests (and other extensions) can drive it without the input box.
 * Returns true when a value was stored.
 */
export function registerSecretCommands(context: vscode.ExtensionContext, secrets: SecretStore, services: Services): void {
  for (const p of PROMPTS) {
    context.subscriptions.push(
      vscode.commands.registerCommand(p.command, (value?: unknown) => setSecret(p, secrets, services, value)),
    );
  }
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.clearSecrets, async (confirmed?: unknown) => {
      if (!(await confirmDestructive(confirmed, 'Delete the stored Kimi API key, embedding API key and Milvus token from this machine?', 'Delete'))) {
        return false;
      }
      for (const p of PROMPTS) {
        await secrets.delete(p.name);
      }
      services.log.info('Stored keys deleted.');
      void vscode.window.showInformationMessage('Kimi Milvus: stored keys deleted.');
      return true;
    }),
  );
}

async function setSecret(p: SecretPrompt, secrets: SecretStore, services: Services, arg: unknown): Promise<boolean> {
  const value =
    typeof arg === 'string'
      ? arg.trim()
      : (
          await vscode.window.showInputBox({
            title: `Kimi Milvus: ${p.title}`,
            prompt: p.prompt,
            placeHolder: p.placeHolder,
            password: true,
            ignoreFocusOut: true,
            validateInput: (v) => (v.trim().length === 0 ? 'Enter a value, or press Escape to cancel.' : undefined),
          })
        )?.trim();
  if (!value) {
    return false;
  }
  if (p.name === 'kimiApiKey' && !(await checkKimiKey(value, services))) {
    return false;
  }
  await secrets.set(p.name, value);
  services.log.info(`${p.title} stored in SecretStorage.`);
  void vscode.window.showInformationMessage(`Kimi Milvus: ${p.title} saved.`);
  return true;
}

/** A key Kimi rejects (401) is not stored; a network failure stores it with a warning, since the key may be fine. */
async function checkKimiKey(key: string, services: Services): Promise<boolean> {
  try {
    const models = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Kimi Milvus: checking the Kimi API key…', cancellable: true },
      (_progress, token) => services.listKimiModels(key, token),
    );
    services.log.info(`Kimi key accepted; ${models.length} models available.`);
    return true;
  } catch (err) {
    if (isAbortError(err)) {
      return false;
    }
    if (err instanceof KimiApiError && (err.code === 'auth' || err.code === 'forbidden')) {
      void vscode.window.showErrorMessage(`Kimi Milvus: the key was not saved. ${userMessage(err)}`);
      return false;
    }
    services.log.warn(`Could not check the Kimi key: ${errorMessage(err)}`);
    void vscode.window.showWarningMessage(`Kimi Milvus: saved the key, but could not check it: ${userMessage(err)}`);
    return true;
  }
}
