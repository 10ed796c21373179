/** A core compaction report → the chat events the view shows: a note on the turn, a summary marker. */
import type { CompactionReport } from '../../core/agent/events';
import type { ChatEvent, Turn, Usage } from '../../shared/chatModel';

export interface CompactionChatEvents {
  /** For the turn whose request was fitted (shortened results, left-out messages, a failed summary). */
  readonly note?: ChatEvent;
  /** For the last turn the summary covers. */
  readonly summary?: ChatEvent;
}

export function compactionChatEvents(report: CompactionReport, usage?: Usage): CompactionChatEvents {
  const noteworthy = report.shortenedResults > 0 || report.leftOut !== undefined || report.failure !== undefined;
  const note: ChatEvent | undefined = noteworthy
    ? {
        type: 'contextNote',
        note: {
          shortenedResults: report.shortenedResults,
          ...(report.leftOut ? { leftOutMessages: report.leftOut.messages, leftOutTurns: report.leftOut.turns } : {}),
          ...(report.failure ? { failure: report.failure } : {}),
        },
      }
    : undefined;
  const summary: ChatEvent | undefined = report.summary
    ? {
        type: 'summarised',
        summary: { id: report.summary.id, text: report.summary.text, turns: report.summary.turns, manual: report.manual, ...(usage ? { usage } : {}) },
      }
    : undefined;
  return { ...(note ? { note } : {}), ...(summary ? { summary } : {}) };
}

/**
 * Which turn gets which event: the note goes on the turn whose request was fitted; the summary is marked
 * after the last turn it covers (the one before this turn's question, or the last turn for Compact Conversation).
 */
export function placeCompaction(turns: readonly Turn[], turnId: string, report: CompactionReport, usage?: Usage): Array<[string, ChatEvent]> {
  const { note, summary } = compactionChatEvents(report, usage);
  const index = turns.findIndex((t) => t.id === turnId);
  const covered = report.manual ? turns[index] : (turns[index - 1] ?? turns[index]);
  const out: Array<[string, ChatEvent]> = [];
  if (note) {
    out.push([turnId, note]);
  }
  if (summary && covered) {
    out.push([covered.id, summary]);
  }
  return out;
}
