import * as vscode from 'vscode';

/** The three credentials, stored only in VS Code's SecretStorage (never in settings, logs or the webview). */
export const SecretKeys = {
  kimiApiKey: 'kimiMilvus.kimiApiKey',
  embeddingApiKey: 'kimiMilvus.embeddingApiKey',
  milvusToken: 'kimiMilvus.milvusToken',
} as const;
export type SecretName = keyof typeof SecretKeys;

export class SecretStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SecretName>();
  /** Fires with the name of the credential that was set or deleted (in this or another window). */
  readonly onDidChangeSecret = this.emitter.event;
  private readonly listener: vscode.Disposable;

  constructor(private readonly storage: vscode.SecretStorage) {
    this.listener = storage.onDidChange((e) => {
      const name = (Object.keys(SecretKeys) as SecretName[]).find((n) => SecretKeys[n] === e.key);
      if (name) {
        this.emitter.fire(name);
      }
    });
  }

  async get(name: SecretName): Promise<string | undefined> {
    const value = await this.storage.get(SecretKeys[name]);
    return value && value.length > 0 ? value : undefined;
  }

  async set(name: SecretName, value: string): Promise<void> {
    await this.storage.store(SecretKeys[name], value);
  }

  async delete(name: SecretName): Promise<void> {
    await this.storage.delete(SecretKeys[name]);
  }

  dispose(): void {
    this.listener.dispose();
    this.emitter.dispose();
  }
}
