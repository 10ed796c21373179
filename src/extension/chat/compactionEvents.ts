/** A core compaction report → the chat events the view shows: a note on the turn, a summary marker. */
import type { CompactionReport } from '../../core/agent/events';
import type { ChatEvent, Usage } from '../../shared/chatModel';

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
