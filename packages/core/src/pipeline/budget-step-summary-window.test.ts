import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import type { ContextStrategy } from '../budget/types';
import { toolLoop } from '../effects/tool-loop';
import { singleAttemptPolicy } from '../reliability/types';
import { effectMachine } from '../testing/run-effect';
import { type ScriptedResponse, scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';

/** A local model's price: nothing, said so, so no run warns of an unknown price. */
const free = { inputPerMillion: 0, outputPerMillion: 0 };

/** A loop reading long pages on a 4K window, summarised by a model with a 2K window. */
function readingAgent(strategies: ContextStrategy[]) {
  const page = defineTool({
    name: 'page',
    description: 'Reads page i.',
    input: z.object({ i: z.number() }),
    output: z.string(),
    effect: 'pure',
    execute: async ({ i }) => `page ${i}: ${'lorem ipsum dolor sit amet '.repeat(100)}`,
  });
  let read = 0;
  const main = scriptedModel({
    modelName: 'main',
    metadata: { contextWindow: 8_000, pricing: free },
    handler: (): ScriptedResponse =>
      read < 24
        ? { toolCalls: [{ id: `read_${read}`, name: 'page', arguments: { i: read++ } }] }
        : 'Read every page.',
  });
  const cheap = scriptedModel({
    modelName: 'cheap',
    metadata: { contextWindow: 1_000, pricing: free },
    handler: () => 'SUMMARY',
  });
  const agent = createAgent({
    machine: effectMachine(
      toolLoop({
        model: 'main',
        tools: [page],
        prompt: (task: string) => task,
        maxSteps: 30,
        maxOutputTokens: 200,
      }),
      'Read every page.',
    ),
    models: { main, cheap },
    summariserModel: 'cheap',
    modelPolicy: singleAttemptPolicy,
    // More room for the summary than the summariser's whole window.
    budget: { strategies, summaryTokens: 1_500 },
  });
  return { agent, cheap };
}

describe('budgetStep: summaryTokens past the summariser window', () => {
  it('falls back to the strategies after compress-history, as for an unusable summary', async () => {
    // The summariser's own request failed with budget.exceeded, which no strategy after
    // compress-history was let to answer: the run failed where trimming fitted it.
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const { agent } = readingAgent(['compress-history', 'trim-oldest-history']);
    const outcome = await agent.run({ input: undefined });
    expect(outcome).toMatchObject({
      status: 'done',
      output: { result: { content: 'Read every page.' } },
    });
    // Said at each call it could not compress (the summariser is asked again each time, as for
    // any failed summary), with what to change.
    const warnings = warned.mock.calls.map((call) => String(call[0]));
    expect(warnings.length).toBeGreaterThan(0);
    for (const warning of warnings) {
      expect(warning).toMatch(/budget\.summary_unusable: .*Lower budget\.summaryTokens/);
    }
  });

  it('says to lower summaryTokens when nothing else fits, not only the summariser sections', async () => {
    const { agent } = readingAgent(['compress-history']);
    const outcome = await agent.run({ input: undefined });
    expect(outcome).toMatchObject({
      status: 'done',
      output: {
        error: {
          code: 'budget.summary_unusable',
          // 1,500 less what the fence of the tool output it summarises takes.
          message: expect.stringMatching(
            /into a summary of up to 14\d\d tokens \(from budget\.summaryTokens\), but its own request cannot fit its 1000-token window .* Lower budget\.summaryTokens/,
          ),
        },
      },
    });
  });
});
