import { MemoryCheckpointer } from '@agentchart/core';
import { createOpenAITestServer, replies, scriptedReplyHandler } from '@agentchart/openai/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendorAnswer } from '../src/demo-model';
import { vendorModel } from '../src/models';
import { vendorReviewAgent } from '../src/vendor-review';

/**
 * The review against an OpenAI-compatible endpoint, as with OPENAI_API_KEY and
 * OPENAI_BASE_URL set: the real @langchain/openai client, the lead and both child agents
 * talking to a local server that answers like the demo model, or refuses one child's calls.
 */
const server = createOpenAITestServer({ apiKey: 'sk-test' });
let baseURL: string;
beforeAll(async () => {
  baseURL = await server.start();
});
afterAll(() => server.close());

const env = () => ({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseURL });

describe('vendor review against an OpenAI-compatible endpoint', () => {
  it('reviews a payment through the real client: the lead and its child agents on one model', async () => {
    server.reset();
    server.setHandler(scriptedReplyHandler(vendorAnswer));
    const agent = vendorReviewAgent({
      model: vendorModel(env()).model,
      checkpointer: new MemoryCheckpointer(),
    });
    const outcome = await agent.run({ input: { vendor: 'Acme Freight', amount: 4_800 } });
    expect(outcome).toMatchObject({ status: 'done', output: { decision: 'pay' } });
    expect(server.requests).toHaveLength(4);
    expect(outcome.usage.modelCalls).toBe(4);
    await agent.close();
  });

  it("escalates with the child's error when the endpoint refuses the risk check", async () => {
    server.reset();
    const answer = scriptedReplyHandler(vendorAnswer);
    server.setHandler((request) =>
      JSON.stringify(request.body?.messages).includes('Rate the risk')
        ? replies.badRequest('The request was refused by policy.')
        : answer(request),
    );
    const agent = vendorReviewAgent({
      model: vendorModel(env()).model,
      checkpointer: new MemoryCheckpointer(),
    });
    const outcome = await agent.run({ input: { vendor: 'Acme Freight', amount: 4_800 } });
    expect(outcome).toMatchObject({
      status: 'done',
      output: { decision: 'escalate', memo: 'risk check failed (model.bad_request)' },
    });
    await agent.close();
  });
});
