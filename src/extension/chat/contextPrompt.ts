/**
 * The editor context a question carries (the active selection, the lines around the cursor,
 * selections the user added) turned into the text the model reads, within a token budget.
 * Pure: no vscode, unit-tested in plain Node.
 */
import { formatSource, type SourceLink } from '../../shared/chatModel';

export interface Attachment {
  readonly source: SourceLink;
  readonly text: string;
  /** Fence language, e.g. "python". */
  readonly language: string;
  readonly kind: 'selection' | 'cursor' | 'file';
}

/** Tokens all attachments of one question may use (about 4 characters a token). */
export const CONTEXT_TOKEN_BUDGET = 6_000;
const CHARS_PER_TOKEN = 4;

/**
 * The question followed by the attachments, each under its `path:start-end` so the answer can
 * cite it. Attachments past the budget are cut at a line end with a note that says what is missing.
 */
export function withContext(question: string, attachments: readonly Attachment[], budgetTokens = CONTEXT_TOKEN_BUDGET): string {
  if (attachments.length === 0) {
    return question;
  }
  let budget = budgetTokens * CHARS_PER_TOKEN;
  const parts: string[] = [];
  for (const a of attachments) {
    const what = a.kind === 'selection' ? 'selected' : a.kind === 'file' ? 'mentioned file' : 'around the cursor';
    let text = a.text.replace(/\s+$/, '');
    let note = '';
    if (text.length > budget) {
      const cut = text.lastIndexOf('\n', Math.max(0, budget));
      const kept = cut > 0 ? text.slice(0, cut) : '';
      const keptLines = kept === '' ? 0 : kept.split('\n').length;
      const lastLine = a.source.startLine + keptLines - 1;
      note = `\n[Truncated to fit the context budget: lines ${lastLine + 1}-${a.source.endLine} are not shown; read_file can fetch them.]`;
      text = kept;
    }
    budget = Math.max(0, budget - text.length);
    const fence = text.includes('```') ? '````' : '```';
    parts.push(`${formatSource(a.source)} (${what}):\n${fence}${a.language}\n${text}\n${fence}${note}`);
  }
  return `${question}\n\n---\nContext from the user's editor (cite it as path:line):\n\n${parts.join('\n\n')}`;
}
