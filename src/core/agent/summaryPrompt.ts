/**
 * What Kimi is asked when earlier turns are summarised: the instructions (keep file paths,
 * decisions and open questions, as the docs' long-conversation advice suggests) and the earlier
 * turns as a plain transcript. A transcript, not the original messages: tool calls sent without
 * the tools they name, or results without their calls, would be rejected.
 */
import type { ChatMessage } from '../kimi/types';

/** Longest tool result (characters) copied into a transcript; the summary needs what was found, not every line. */
export const TRANSCRIPT_RESULT_CHARS = 1_500;
/** Longest single message (characters) in a transcript. */
const TRANSCRIPT_MESSAGE_CHARS = 12_000;

export const SUMMARY_INSTRUCTIONS = `You compact a conversation between a user and a coding assistant (Kimi) so that it can continue within a limited context window. The assistant will see only your summary instead of these turns, so write what it needs to carry on:
- Files: every file path and citation (path:start-end) that was searched, read, cited or changed, with a few words on what it holds.
- Decisions: what the user wants, what was decided or concluded, and the facts those rest on.
- Open questions: what is unanswered, unfinished or was promised for later.
- Context: anything else needed to understand the next question (names, versions, errors, commands).
Write in the language of the conversation, as short Markdown bullet lists under those four headings. Keep identifiers, paths and numbers exact. Do not invent anything, and do not answer the user.`;

export const FOLD_NOTE = 'The first part below is the summary of an even earlier part of the conversation: merge it with the newer turns into one summary.';

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}

/** One message as transcript lines. */
export function transcriptOf(m: ChatMessage): string {
  switch (m.role) {
    case 'user':
      return `[User]\n${cut(m.content, TRANSCRIPT_MESSAGE_CHARS)}`;
    case 'assistant': {
      const calls = (m.tool_calls ?? []).map((c) => `[Assistant called ${c.function.name} ${cut(c.function.arguments, 600)}]`);
      const text = m.content.trim() ? [`[Assistant]\n${cut(m.content, TRANSCRIPT_MESSAGE_CHARS)}`] : [];
      return [...text, ...calls].join('\n');
    }
    case 'tool':
      return `[Result of ${m.name || 'a tool'}]\n${cut(m.content, TRANSCRIPT_RESULT_CHARS)}`;
    case 'system':
      return `[Note]\n${cut(m.content, TRANSCRIPT_MESSAGE_CHARS)}`;
  }
}

/** The messages of one summary request: instructions, then the earlier summary (if any) and the transcript. */
export function summaryRequest(transcript: readonly string[], earlier: string | undefined): ChatMessage[] {
  const parts = earlier ? [`${FOLD_NOTE}\n\n[Earlier summary]\n${earlier}`, ...transcript] : [...transcript];
  return [
    { role: 'system', content: SUMMARY_INSTRUCTIONS },
    { role: 'user', content: `Summarise this conversation:\n\n${parts.join('\n\n')}` },
  ];
}
