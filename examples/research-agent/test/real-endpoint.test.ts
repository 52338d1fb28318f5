import { createOpenAITestServer, scriptedReplyHandler } from '@agentchart/openai/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { researchAgent } from '../src/agent';
import { researchAnswer } from '../src/demo-model';
import { researchModel } from '../src/models';

/** The agent as with OPENAI_API_KEY and OPENAI_BASE_URL set, planned against a 4 096-token window. */
const server = createOpenAITestServer({ handler: scriptedReplyHandler(researchAnswer) });
let baseURL: string;
beforeAll(async () => {
  baseURL = await server.start();
});
afterAll(() => server.close());

describe('research agent against an OpenAI-compatible endpoint', () => {
  it('sends parallel tool calls through the real client and fits the window it is told', async () => {
    const { model, description } = await researchModel({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: baseURL,
      AGENTCHART_CONTEXT_WINDOW: '4096',
    });
    expect(description).toContain('planned against 4096 tokens');
    const agent = researchAgent(model);
    let trimmed = 0;
    agent.events.on('budget.ledger', ({ ledger }) => {
      trimmed += ledger.trimmed.length;
    });
    const outcome = await agent.run({
      input: {
        question:
          'How far along is shore power in Rotterdam, and what were port emissions in 2024?',
      },
    });
    expect(outcome).toMatchObject({ status: 'done', output: { steps: 3 } });
    expect(outcome.status === 'done' && outcome.output.answer).toContain('[N-1]');
    expect(trimmed).toBeGreaterThan(0);
    // The last request: the reads and the lookup, made at once; the search turn was trimmed.
    const toolMessages = server.requests
      .at(-1)
      ?.body?.messages.filter((message) => message.role === 'tool');
    expect(toolMessages?.length).toBe(3);
  });
});
