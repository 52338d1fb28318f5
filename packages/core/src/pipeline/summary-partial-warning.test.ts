import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { toolLoop } from '../effects/tool-loop';
import type { ChatRequest } from '../model/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { effectMachine } from '../testing/run-effect';
import { type ScriptedResponse, scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';

const pages = 12;

/** The page the request's last tool result is, or -1. */
function lastPage(request: ChatRequest): number {
  const last = request.messages.findLast((message) => message.role === 'tool');
  return last ? Number(/page (\d+):/.exec(last.content)?.[1] ?? -1) : -1;
}

/** A tool loop over a 4K window reading long pages with compress-history, summarised by `cheap`. */
async function warningsWithSummariserWindow(contextWindow: number) {
  const page = defineTool({
    name: 'page',
    description: 'Reads page i.',
    input: z.object({ i: z.number() }),
    output: z.string(),
    effect: 'pure',
    execute: async ({ i }) => `page ${i}: ${'lorem ipsum dolor sit amet '.repeat(100)}`,
  });
  const main = scriptedModel({
    modelName: 'main',
    metadata: { contextWindow: 4_000 },
    handler: (request): ScriptedResponse => {
      const read = lastPage(request);
      return read < pages - 1
        ? { toolCalls: [{ id: `read_${read + 1}`, name: 'page', arguments: { i: read + 1 } }] }
        : 'Read every page.';
    },
  });
  const cheap = scriptedModel({
    modelName: 'cheap',
    metadata: { contextWindow },
    handler: () => 'SUMMARY',
  });
  const agent = createAgent({
    machine: effectMachine(
      toolLoop({
        model: 'main',
        tools: [page],
        prompt: (task: string) => task,
        maxSteps: pages + 2,
        maxOutputTokens: 300,
      }),
      'Read every page.',
    ),
    models: { main, cheap },
    summariserModel: 'cheap',
    checkpointer: new MemoryCheckpointer(),
    budget: { strategies: ['compress-history'] },
  });
  const warnings: string[] = [];
  agent.events.on('agent.warning', ({ code }) => warnings.push(code));
  const outcome = await agent.run({ input: undefined });
  await agent.close();
  expect(outcome.status).toBe('done');
  return { warnings, summarised: cheap.requests.length };
}

describe('a summariser whose window is smaller than the history it is given', () => {
  it('is said to read only the head and tail of it (budget.summary_partial)', async () => {
    // A trial: a 1K summariser for a 4K model kept 3 of 70 facts, and nothing said so.
    const { warnings, summarised } = await warningsWithSummariserWindow(1_000);
    expect(summarised).toBeGreaterThan(0);
    expect(warnings).toContain('budget.summary_partial');
  });

  it('is not, when its window holds the history', async () => {
    const { warnings, summarised } = await warningsWithSummariserWindow(16_000);
    expect(summarised).toBeGreaterThan(0);
    expect(warnings).not.toContain('budget.summary_partial');
  });
});
