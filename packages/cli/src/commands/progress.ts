import type { Agent } from '@agentchart/core';
import { terminalWriter } from '../terminal-text';
import type { Writer } from './types';

/**
 * Prints a run's progress as it goes — each state entered, each model and tool call, waits,
 * retries — one line each, to `out` (the command's stderr, so stdout stays the result).
 * Returns the function that stops printing.
 */
export function printProgress(agent: Agent, terminal: Writer): () => void {
  const { events } = agent;
  // Tool errors, prompts and state names may quote what a page or a model wrote: escape
  // sequences in them are shown, never acted on.
  const out = terminalWriter(terminal);
  const prefix = (threadId: string) => `[${threadId}]`;
  const unsubscribe = [
    // Named by the event: a child agent's run is its own agent's, not the parent's.
    events.on('run.start', ({ threadId, resumed, agent: name }) =>
      out.write(`${prefix(threadId)} ${resumed ? 'resumed' : 'started'} (agent ${name})\n`),
    ),
    events.on('state.enter', ({ threadId, state }) =>
      out.write(`${prefix(threadId)}   → ${state}\n`),
    ),
    events.on('llm.call.end', ({ threadId, model, usage, latencyMs, cached, retries }) =>
      out.write(
        `${prefix(threadId)}     llm ${model}: ${usage.inputTokens + usage.outputTokens} tokens, ${Math.round(latencyMs)} ms${cached ? ', cached' : ''}${retries > 0 ? `, ${retries} retries` : ''}\n`,
      ),
    ),
    events.on('effect.replayed', ({ threadId, key }) =>
      out.write(`${prefix(threadId)}     ↺ ${key} from the journal (not run again)\n`),
    ),
    events.on('llm.call.retry', ({ threadId, attempt, delayMs, reason }) =>
      out.write(`${prefix(threadId)}     retry ${attempt} in ${delayMs} ms: ${reason}\n`),
    ),
    events.on('tool.call.end', ({ threadId, tool, latencyMs, cached }) => {
      // A call read back from the journal has its `effect.replayed` line; "tool …: 0 ms" after
      // it read as the tool running again.
      if (cached) return;
      out.write(`${prefix(threadId)}     tool ${tool}: ${Math.round(latencyMs)} ms\n`);
    }),
    events.on('tool.call.error', ({ threadId, tool, error }) =>
      out.write(
        // Handed back mid-call (an interrupt, close()): the tool did not fail, and an unsafe
        // one's answer is still recorded when it comes.
        error.code === 'run.evicted'
          ? `${prefix(threadId)}     tool ${tool} still running as the thread is handed back (an unsafe tool's result is journaled when it returns; any other runs again on resume)\n`
          : `${prefix(threadId)}     tool ${tool} failed: ${error.message}\n`,
      ),
    ),
    events.on('human.wait', ({ threadId, prompt }) =>
      out.write(`${prefix(threadId)}     waiting for a human: ${prompt}\n`),
    ),
    events.on('limit.reached', ({ threadId, limit, max, familyThreadId }) =>
      out.write(
        `${prefix(threadId)}     limit reached: ${limit} (${max}${familyThreadId === undefined ? '' : `, shared with thread ${familyThreadId}`})\n`,
      ),
    ),
  ];
  return () => {
    for (const off of unsubscribe) off();
  };
}
