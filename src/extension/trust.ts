import * as vscode from 'vscode';

/**
 * Workspace trust as the extension sees it. Restricted Mode disables indexing and the file tools.
 * `override` exists for the extension-host tests only: a test cannot put a real window into
 * Restricted Mode (trust is decided before the extension host starts), so the test API sets it.
 */
export class TrustState implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<boolean>();
  readonly onDidChangeTrust = this.emitter.event;
  private override: boolean | undefined;
  private readonly grant: vscode.Disposable;

  constructor() {
    this.grant = vscode.workspace.onDidGrantWorkspaceTrust(() => this.emitter.fire(this.trusted));
  }

  get trusted(): boolean {
    return this.override ?? vscode.workspace.isTrusted;
  }

  setOverride(value: boolean | undefined): void {
    this.override = value;
    this.emitter.fire(this.trusted);
  }

  dispose(): void {
    this.grant.dispose();
    this.emitter.dispose();
  }
}

export const RESTRICTED_INDEXING_MESSAGE =
  'Kimi Milvus does not index files in Restricted Mode: indexing reads every file of an untrusted folder and ' +
  'can start a local Milvus server. Trust the folder to index it; chat still works.';

/** Returns false (and explains why, with a way out) when the workspace is not trusted. */
export function requireTrust(trust: TrustState, what: string): boolean {
  if (trust.trusted) {
    return true;
  }
  void vscode.window
    .showWarningMessage(`${what}: ${RESTRICTED_INDEXING_MESSAGE}`, 'Manage Workspace Trust')
    .then((choice) => (choice ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
  return false;
}
