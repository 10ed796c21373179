/**
 * What the agent loop adds on top of Kimi's own latency. Runs against the fake Kimi server
 * (test/fakes/kimiServer.ts) with a fixed time to first token, so everything above it is ours:
 * HTTP on localhost, SSE parsing, assembly, history windowing, tool dispatch, events.
 *
 *   npm run bench:agent            (BENCH_RUNS=200 BENCH_TTFT_MS=50 to change)
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Agent } from '../src/core/agent/agent';
import { ChatHistory } from '../src/core/agent/history';
import { ToolRegistry, ok, type Tool } from '../src/core/agent/tools/registry';
import { KimiClient } from '../src/core/kimi/kimiClient';
import { reply, startFakeKimi } from '../test/fakes/kimiServer';

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const TTFT = Number(process.env.BENCH_TTFT_MS ?? 50);
const TOOL_STEPS = 3;
const ANSWER = 'The retry policy lives in src/core/kimi/retry.ts:1-40; it honours "try again after N seconds". '.repeat(4);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const fmt = (n: number): string => n.toFixed(2);

const noop: Tool = {
  name: 'search_workspace',
  description: 'no-op search',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  run: async (args) => ok({ message: 'Found 1 result', results: [{ citation: 'src/a.ts:1-9', text: `hit for ${String(args.query)}` }] }, '1 hit', [{ path: 'src/a.ts', startLine: 1, endLine: 9 }]),
};

async function main(): Promise<void> {
  const kimi = await startFakeKimi();
  const client = new KimiClient({ apiKey: 'sk-bench', baseUrl: kimi.baseUrl, model: 'kimi-k2.5', temperature: undefined, maxSteps: 16, webSearch: false });
  const agent = new Agent({ client, tools: new ToolRegistry([noop]) });
  const quiet = (): void => undefined;

  // The tool-step script: TOOL_STEPS rounds of one tool call, then the answer.
  const steps = new Map<ChatHistory, number>();
  const scripted = (history: ChatHistory): void => {
    steps.set(history, 0);
  };
  let current: ChatHistory | undefined;
  kimi.handle(() => {
    const h = current as ChatHistory;
    const n = steps.get(h) ?? TOOL_STEPS;
    if (n < TOOL_STEPS) {
      steps.set(h, n + 1);
      return reply.toolCalls([{ name: 'search_workspace', arguments: { query: `step ${n}` } }], { ttftMs: TTFT, chunkChars: 16 });
    }
    return reply.text(ANSWER, { ttftMs: TTFT, chunkChars: 16 });
  });

  // Warm-up: JIT, sockets, ajv.
  for (let i = 0; i < 5; i++) {
    current = new ChatHistory();
    await agent.run(current, 'warm up', quiet);
  }

  const turn: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    current = new ChatHistory();
    const t0 = performance.now();
    await agent.run(current, 'Where is the retry policy?', quiet);
    turn.push(performance.now() - t0 - TTFT);
  }

  const step: number[] = [];
  const turnP50 = pct(turn, 50);
  for (let i = 0; i < RUNS; i++) {
    current = new ChatHistory();
    scripted(current);
    const t0 = performance.now();
    await agent.run(current, 'Where is the retry policy?', quiet);
    const wall = performance.now() - t0;
    // Everything beyond one plain turn, spread over the tool steps, minus their own TTFT.
    step.push((wall - TTFT - turnP50) / TOOL_STEPS - TTFT);
  }

  // Memory: one chat session of 200 turns, each with a tool step, history kept (and trimmed) throughout.
  kimi.requests.length = 0;
  gc();
  const before = process.memoryUsage().heapUsed;
  const session = new ChatHistory();
  current = session;
  const memTurns = 200;
  const t0 = performance.now();
  let lastMessages = 0;
  for (let i = 0; i < memTurns; i++) {
    steps.set(session, TOOL_STEPS - 1);
    await agent.run(session, `Question ${i}: where is the retry policy?`, quiet);
    // The fake server records every request body; drop them so only the agent's memory is measured.
    lastMessages = kimi.chatBodies().at(-1)?.messages.length ?? 0;
    kimi.requests.length = 0;
  }
  const sessionMs = performance.now() - t0;
  gc();
  const after = process.memoryUsage().heapUsed;
  const historyBytes = Buffer.byteLength(JSON.stringify(session.toJSON()));
  // Baseline: the same answer read with plain fetch (no SDK, no agent): the share of localhost HTTP + the fake server.
  kimi.handle(() => reply.text(ANSWER, { ttftMs: TTFT, chunkChars: 16 }));
  const raw: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t1 = performance.now();
    const res = await fetch(`${kimi.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'kimi-k2.5', messages: [] }) });
    await res.text();
    raw.push(performance.now() - t1 - TTFT);
  }
  await kimi.close();

  const rows = [
    ['metric', 'p50', 'p95', 'unit'],
    ['baseline: plain fetch of the same stream (wall − TTFT)', fmt(pct(raw, 50)), fmt(pct(raw, 95)), 'ms'],
    ['overhead per turn (wall − TTFT)', fmt(turnP50), fmt(pct(turn, 95)), 'ms'],
    ['overhead per tool step (beyond its TTFT)', fmt(pct(step, 50)), fmt(pct(step, 95)), 'ms'],
  ];
  console.log(`Agent loop overhead against the fake Kimi server (TTFT ${TTFT} ms, ${RUNS} runs each, ${TOOL_STEPS} tool steps per tool run, Node ${process.version})`);
  for (const r of rows) {
    console.log(`| ${r.join(' | ')} |`);
  }
  console.log(
    `Memory after ${memTurns} turns in one session (each turn 1 tool step + answer): heap ${fmt(before / 1048576)} MB → ${fmt(after / 1048576)} MB ` +
      `(${after >= before ? '+' : ''}${fmt((after - before) / 1048576)} MB); history ${session.length} messages, ${fmt(historyBytes / 1024)} KB as JSON; ` +
      `last request sent ${lastMessages} messages; ${fmt(sessionMs / memTurns)} ms per turn incl. 2 × TTFT.`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
