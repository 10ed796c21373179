import { randomUUID } from 'node:crypto';
import type { ChatStore } from './chatStore';

/** One conversation in the list: what the switcher shows. */
export interface ConversationInfo {
  readonly id: string;
  readonly title: string;
  /** Set when the user renamed it: the first question no longer retitles it. */
  readonly renamed?: boolean;
  readonly updatedAt: number;
}

/** Conversations kept per workspace; saving one more drops the least recently used. */
export const MAX_CONVERSATIONS = 50;
/** Longest title kept (characters); longer first questions are cut with an ellipsis. */
export const MAX_TITLE_CHARS = 80;

const INDEX = 'chats';
/** Where the single conversation of earlier versions was kept. */
const LEGACY = 'chat';

interface Index {
  readonly current?: string;
  readonly conversations: readonly ConversationInfo[];
}

const ID = /^[0-9a-f-]{36}$/;

/** A title from a question: its first line, whitespace collapsed, cut to MAX_TITLE_CHARS. */
export function titleFrom(question: string): string {
  const line = question.trim().split('\n')[0]?.replace(/\s+/g, ' ').trim() ?? '';
  const title = line.length > 0 ? line : 'Untitled chat';
  return title.length > MAX_TITLE_CHARS ? `${title.slice(0, MAX_TITLE_CHARS - 1)}…` : title;
}

/**
 * The list of a workspace's conversations and which one is open, kept in the `chats` document;
 * each conversation's turns are in its own `chat-<id>` document. A conversation enters the list
 * with its first saved turn, so New chat never leaves empty entries behind.
 */
export class Conversations {
  private items: ConversationInfo[] = [];
  private currentId: string = randomUUID();

  constructor(
    private readonly store: ChatStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the list, migrating an earlier version's single conversation; returns the open one's data. */
  async open(): Promise<unknown> {
    const index = parseIndex(await this.store.load(INDEX));
    if (index) {
      this.items = [...index.conversations];
      if (index.current && ID.test(index.current)) {
        this.currentId = index.current;
      }
      return this.items.some((c) => c.id === this.currentId) ? this.store.load(docName(this.currentId)) : undefined;
    }
    const legacy = await this.store.load(LEGACY);
    if (legacy !== undefined) {
      // Copied first, removed after the list names it: a crash in between loses nothing.
      const title = titleFrom(firstQuestion(legacy) ?? 'Earlier chat');
      await this.store.save(docName(this.currentId), legacy);
      this.items = [{ id: this.currentId, title, updatedAt: this.now() }];
      await this.saveIndex();
      await this.store.remove(LEGACY);
    }
    return legacy;
  }

  get current(): string {
    return this.currentId;
  }

  /** The open conversation's title; undefined while it is not in the list (no saved turn yet). */
  get currentTitle(): string | undefined {
    return this.items.find((c) => c.id === this.currentId)?.title;
  }

  /** Most recently used first. */
  list(): readonly ConversationInfo[] {
    return [...this.items].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  load(id: string): Promise<unknown> {
    return this.items.some((c) => c.id === id) ? this.store.load(docName(id)) : Promise.resolve(undefined);
  }

  /**
   * Saves the open conversation; its title comes from its first question unless renamed. One left
   * without turns (its only question failed and the failure was fixed) leaves the list, so its next
   * first question titles it again.
   */
  async save(data: unknown, firstQuestionText: string | undefined): Promise<void> {
    const id = this.currentId;
    const existing = this.items.find((c) => c.id === id);
    if (firstQuestionText === undefined) {
      if (existing) {
        await this.remove(id);
      }
      return; // An empty chat is not worth an entry.
    }
    await this.store.save(docName(id), data);
    const title = existing?.renamed ? existing.title : titleFrom(firstQuestionText);
    const info: ConversationInfo = { ...existing, id, title, updatedAt: this.now() };
    this.items = [...this.items.filter((c) => c.id !== id), info];
    const dropped = this.list().slice(MAX_CONVERSATIONS);
    this.items = this.items.filter((c) => !dropped.includes(c));
    await this.saveIndex();
    await Promise.all(dropped.map((c) => this.store.remove(docName(c.id))));
  }

  /** Makes `id` the open conversation (a fresh id: a new, empty one). */
  async select(id: string = randomUUID()): Promise<void> {
    this.currentId = id;
    await this.saveIndex();
  }

  has(id: string): boolean {
    return this.items.some((c) => c.id === id);
  }

  async rename(id: string, title: string): Promise<boolean> {
    const clean = title.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE_CHARS);
    if (clean.length === 0 || !this.has(id)) {
      return false;
    }
    this.items = this.items.map((c) => (c.id === id ? { ...c, title: clean, renamed: true } : c));
    await this.saveIndex();
    return true;
  }

  async remove(id: string): Promise<void> {
    this.items = this.items.filter((c) => c.id !== id);
    await this.saveIndex();
    await this.store.remove(docName(id));
  }

  private saveIndex(): Promise<void> {
    const index: Index = { current: this.currentId, conversations: this.items };
    return this.store.save(INDEX, index);
  }
}

function docName(id: string): string {
  return `chat-${id}`;
}

function parseIndex(v: unknown): Index | undefined {
  if (typeof v !== 'object' || v === null || !Array.isArray((v as { conversations?: unknown }).conversations)) {
    return undefined;
  }
  const rec = v as { current?: unknown; conversations: unknown[] };
  const conversations = rec.conversations.filter(
    (c): c is ConversationInfo =>
      typeof c === 'object' &&
      c !== null &&
      typeof (c as ConversationInfo).id === 'string' &&
      ID.test((c as ConversationInfo).id) &&
      typeof (c as ConversationInfo).title === 'string' &&
      typeof (c as ConversationInfo).updatedAt === 'number',
  );
  return { current: typeof rec.current === 'string' ? rec.current : undefined, conversations };
}

function firstQuestion(saved: unknown): string | undefined {
  const turns = (saved as { turns?: unknown } | null)?.turns;
  const first: unknown = Array.isArray(turns) ? turns[0] : undefined;
  const q = (first as { question?: unknown } | undefined)?.question;
  return typeof q === 'string' ? q : undefined;
}
