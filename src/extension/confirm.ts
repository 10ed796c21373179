import * as vscode from 'vscode';

/**
 * Asks before a destructive command, in a modal warning whose button says what happens. A command
 * invoked with `true` as its confirmation argument (the tests, other extensions) skips the dialog.
 */
export async function confirmDestructive(preConfirmed: unknown, message: string, action: string): Promise<boolean> {
  if (preConfirmed === true) {
    return true;
  }
  return (await vscode.window.showWarningMessage(message, { modal: true }, action)) === action;
}
