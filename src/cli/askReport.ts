/** The document `kimi-milvus ask --json` prints: the answer, its tool calls, sources, usage and compactions. */
import type { AgentResult } from '../core/agent/agent';
import type { AgentEvent, SourceRef } from '../core/agent/events';

export function jsonReport(question: string, model: string, workspace: string, result: AgentResult, events: readonly AgentEvent[]): Record<string, unknown> {
  const calls = new Map<string, Record<string, unknown>>();
  const sources: SourceRef[] = [];
  for (const e of events) {
    if (e.type === 'toolStarted') {
      calls.set(e.callId, { name: e.name, args: e.args });
    } else if (e.type === 'toolFinished') {
      calls.set(e.callId, { ...calls.get(e.callId), success: e.success, summary: e.summary, durationMs: e.durationMs, sources: e.sources ?? [] });
      sources.push(...(e.sources ?? []));
    }
  }
  const seen = new Set<string>();
  return {
    question,
    answer: result.text,
    incomplete: result.incomplete,
    steps: result.steps,
    usage: result.usage,
    model,
    workspace,
    compaction: events.filter((e) => e.type === 'compaction').map(({ type: _type, ...report }) => report),
    toolCalls: [...calls.values()],
    sources: sources.filter((s) => {
      const key = `${s.root ?? ''}|${s.path}:${s.startLine}-${s.endLine}`;
      return seen.has(key) ? false : (seen.add(key), true);
    }),
  };
}
