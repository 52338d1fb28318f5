import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { toolLoop } from '../effects/tool-loop';
import type { RunEvent } from '../events/types';
import { singleAttemptPolicy } from '../reliability/types';
import { effectMachine } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';

/** A price for the test models given a window of their own (which drops the default price): free, so their calls are priced — at $0 — and no `model.unknown_price` is warned. */
const free = { inputPerMillion: 0, outputPerMillion: 0 };

/**
 * A tool loop on a 4K window reading long pages with `compress-history`: its history
 * outgrows the window, so the summariser writes a summary before a later call.
 */
function summarisingChat() {
  const page = defineTool({
    name: 'page',
    description: 'Reads page i.',
    input: z.object({ i: z.number() }),
    output: z.string(),
    effect: 'pure',
    execute: async ({ i }) => `page ${i}: ${'lorem ipsum dolor sit amet '.repeat(100)}`,
  });
  let step = 0;
  const main = scriptedModel({
    modelName: 'main',
    metadata: { contextWindow: 4_000, pricing: free },
    handler: () =>
      ++step < 8
        ? { toolCalls: [{ id: `read_${step}`, name: 'page', arguments: { i: step } }] }
        : 'Read every page.',
  });
  const cheap = scriptedModel({ modelName: 'cheap', handler: () => 'SUMMARY OF THE PAGES' });
  const agent = createAgent({
    machine: effectMachine(
      toolLoop({ model: 'main', tools: [page], prompt: (task: string) => task, maxSteps: 10 }),
      'Read every page.',
    ),
    models: { main, cheap },
    summariserModel: 'cheap',
    modelPolicy: singleAttemptPolicy,
    budget: { strategies: ['compress-history'] },
  });
  return { agent, cheap };
}

describe('tokenSinkOf', () => {
  it('streams no delta of a history summary: only the answers are the chat', async () => {
    const { agent, cheap } = summarisingChat();
    const tokens: RunEvent<'llm.token'>[] = [];
    agent.events.on('llm.token', (event) => tokens.push(event));
    const outcome = await agent.run({ input: undefined });

    expect(outcome).toMatchObject({ output: { result: { content: 'Read every page.' } } });
    expect(cheap.requests.length).toBeGreaterThan(0);
    expect(tokens.map((event) => event.delta)).toEqual(['Read every page.']);
  });
});
