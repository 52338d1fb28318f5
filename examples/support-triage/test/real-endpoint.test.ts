import { MemoryCheckpointer } from '@agentchart/core';
import { createReliabilityPolicy } from '@agentchart/core/reliability';
import { createOpenAITestServer, replies, scriptedReplyHandler } from '@agentchart/openai/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supportAgent } from '../src/agent';
import { triageAnswer } from '../src/demo-model';
import { supportModels } from '../src/models';
import { sampleTickets } from '../src/tickets';

/**
 * The example against an OpenAI-compatible endpoint, as with OPENAI_API_KEY and
 * OPENAI_BASE_URL set: the real @langchain/openai client talking to a local server that
 * answers like the demo model, or fails like a gateway.
 */
const server = createOpenAITestServer({ apiKey: 'sk-test' });
let baseURL: string;
beforeAll(async () => {
  baseURL = await server.start();
});
afterAll(() => server.close());

describe('support triage against an OpenAI-compatible endpoint', () => {
  it('triages through the real client with the model the environment names', async () => {
    server.setHandler(scriptedReplyHandler(triageAnswer));
    const models = await supportModels({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: baseURL,
      AGENTCHART_MODEL: 'gpt-4o-mini',
    });
    expect(models.description).toBe(`gpt-4o-mini at ${baseURL}`);
    const agent = supportAgent({ model: models.triage, checkpointer: new MemoryCheckpointer() });
    const outcome = await agent.run({ input: { ticket: sampleTickets[0]! } });
    expect(outcome).toMatchObject({
      status: 'done',
      output: { status: 'routed', category: 'billing', decidedBy: 'model' },
    });
    expect(server.requests.at(-1)?.body?.model).toBe('gpt-4o-mini');
    await agent.close();
  });

  it("sends a ticket to the desk with a gateway's 502 in one line, after the retries (issue 16)", async () => {
    server.setHandler(() => replies.serverError(502));
    const models = await supportModels({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseURL });
    const agent = supportAgent({
      model: models.triage,
      checkpointer: new MemoryCheckpointer(),
      modelPolicy: createReliabilityPolicy({ baseDelayMs: 1, maxDelayMs: 5 }),
    });
    const outcome = await agent.run({ input: { ticket: sampleTickets[0]! } });
    expect(outcome.status).toBe('waiting');
    const prompt = outcome.status === 'waiting' ? (outcome.waits[0]?.prompt ?? '') : '';
    expect(prompt).toContain('triage failed (model.server_error)');
    expect(prompt).toContain('502 Bad Gateway (an HTML page');
    expect(prompt).not.toMatch(/<|\n/);
    await agent.close();
  });
});
