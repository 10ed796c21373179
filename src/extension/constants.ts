/** IDs shared with package.json `contributes`. Keep the two in sync (a vscode test checks it). */
export const EXTENSION_ID = 'kimi-milvus.kimi-milvus-chat';
export const VIEW_CONTAINER_ID = 'kimiMilvus';
export const CHAT_VIEW_ID = 'kimiMilvus.chat';
export const COLLECTIONS_VIEW_ID = 'kimiMilvus.collections';
export const OUTPUT_CHANNEL_NAME = 'Kimi Milvus';

export const Commands = {
  indexWorkspace: 'kimiMilvus.indexWorkspace',
  addFileToCollection: 'kimiMilvus.addFileToCollection',
  setKimiApiKey: 'kimiMilvus.setKimiApiKey',
  setEmbeddingApiKey: 'kimiMilvus.setEmbeddingApiKey',
  setMilvusToken: 'kimiMilvus.setMilvusToken',
  clearSecrets: 'kimiMilvus.clearSecrets',
  clearIndex: 'kimiMilvus.clearIndex',
  newChat: 'kimiMilvus.newChat',
  showLogs: 'kimiMilvus.showLogs',
  refreshCollections: 'kimiMilvus.refreshCollections',
  reindexCollection: 'kimiMilvus.reindexCollection',
  deleteCollection: 'kimiMilvus.deleteCollection',
  toggleCollectionInChat: 'kimiMilvus.toggleCollectionInChat',
  acceptProposal: 'kimiMilvus.acceptProposal',
  askAboutSelection: 'kimiMilvus.askAboutSelection',
  addSelectionToChat: 'kimiMilvus.addSelectionToChat',
  focusChat: 'kimiMilvus.focusChat',
  showConversations: 'kimiMilvus.showConversations',
  rejectProposal: 'kimiMilvus.rejectProposal',
  copyMcpConfig: 'kimiMilvus.copyMcpConfig',
  compactConversation: 'kimiMilvus.compactConversation',
} as const;
