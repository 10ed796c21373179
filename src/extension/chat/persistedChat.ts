import type { Turn } from '../../shared/chatModel';
import { isTurn } from '../../shared/protocol';

/** One conversation as saved: what it shows and what the model remembers. */
export interface PersistedChat {
  readonly turns: readonly Turn[];
  readonly history: unknown;
  /** Per turn id: the history's size before that turn, so Edit and Regenerate can go back to it. */
  readonly marks?: Readonly<Record<string, number>>;
  /** Per turn id, when the model got more than the question (editor context): what it got. */
  readonly prompts?: Readonly<Record<string, string>>;
}

/** Reads a saved conversation defensively: whatever does not parse is dropped, never thrown. */
export function parsePersisted(v: unknown): PersistedChat {
  if (typeof v !== 'object' || v === null) {
    return { turns: [], history: undefined };
  }
  const rec = v as Record<string, unknown>;
  const turns = Array.isArray(rec.turns) ? rec.turns.filter(isTurn) : [];
  const marks: Record<string, number> = {};
  if (typeof rec.marks === 'object' && rec.marks !== null) {
    for (const [id, n] of Object.entries(rec.marks as Record<string, unknown>)) {
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0) {
        marks[id] = n;
      }
    }
  }
  const prompts: Record<string, string> = {};
  if (typeof rec.prompts === 'object' && rec.prompts !== null) {
    for (const [id, p] of Object.entries(rec.prompts as Record<string, unknown>)) {
      if (typeof p === 'string') {
        prompts[id] = p;
      }
    }
  }
  return { turns, history: rec.history, marks, prompts };
}
