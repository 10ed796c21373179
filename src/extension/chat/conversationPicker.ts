import * as vscode from 'vscode';
import type { ChatSession } from './chatSession';
import type { ConversationInfo } from './conversations';

interface Item extends vscode.QuickPickItem {
  /** undefined: the "New chat" entry. */
  readonly id: string | undefined;
}

const renameButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('edit'), tooltip: 'Rename' };
const deleteButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Delete' };

/**
 * The conversation list as a quick pick: type to filter by title, Enter to open, and per entry
 * Rename and Delete buttons. A quick pick rather than a list in the webview because it is
 * keyboard- and screen-reader-ready as VS Code ships it, and the view keeps its room for the chat.
 * `shown` runs after the open conversation changed, so the view can repaint.
 */
export async function pickConversation(session: ChatSession, shown: () => Promise<void>): Promise<void> {
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = 'Kimi Milvus: Conversations';
  pick.placeholder = 'Open a conversation (type to filter)';
  pick.matchOnDescription = true;
  const refresh = async (): Promise<void> => {
    const current = session.currentConversation;
    const items = (await session.list()).map((c) => toItem(c, c.id === current));
    pick.items = [{ id: undefined, label: '$(add) New chat', alwaysShow: true }, ...items];
    pick.activeItems = pick.items.filter((i) => i.id === current);
  };
  await refresh();
  let hidden = false;
  const done = new Promise<void>((resolve) => {
    pick.onDidAccept(async () => {
      const item = pick.selectedItems[0];
      pick.hide();
      if (item) {
        await session.switchTo(item.id);
        await shown();
      }
    });
    pick.onDidTriggerItemButton(async ({ item, button }) => {
      if (item.id === undefined) {
        return;
      }
      const open = item.id === session.currentConversation;
      if (button === renameButton) {
        pick.hide();
        const title = await vscode.window.showInputBox({ title: 'Rename conversation', value: item.label, prompt: 'New title' });
        if (title !== undefined && (await session.rename(item.id, title)) && open) {
          await shown();
        }
        return;
      }
      // Kept open behind the confirmation, so the list is still there to continue with.
      pick.ignoreFocusOut = true;
      const answer = await vscode.window.showWarningMessage(`Delete the conversation "${item.label}"?`, { modal: true }, 'Delete');
      pick.ignoreFocusOut = false;
      if (answer === 'Delete') {
        await session.remove(item.id);
        if (open) {
          await shown();
        }
        if (!hidden) {
          await refresh();
        }
      }
    });
    pick.onDidHide(() => {
      hidden = true;
      pick.dispose();
      resolve();
    });
  });
  pick.show();
  await done;
}

function toItem(c: ConversationInfo, open: boolean): Item {
  const when = new Date(c.updatedAt).toLocaleString();
  return { id: c.id, label: c.title, description: open ? `open · ${when}` : when, buttons: [renameButton, deleteButton] };
}
