import { manualClock, scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { structuredCall } from '../effects/structured-call';
import { ModelCallError } from '../model/model-call-error';
import { createTenantQuota } from '../tenancy/create-tenant-quota';

const summary = z.object({ text: z.string() });

/** Two structured calls in a row on the `main` model. */
const twoCalls = setup({
  actors: { call: structuredCall({ model: 'main', schema: summary, prompt: () => 'Hi.' }) },
}).createMachine({
  id: 'two-calls',
  initial: 'a',
  states: {
    a: { invoke: { src: 'call', onDone: 'b' } },
    b: { invoke: { src: 'call', onDone: 'done' } },
    done: { type: 'final' },
  },
});

/** One structured call on the `main` model. */
const one = setup({
  actors: { call: structuredCall({ model: 'main', schema: summary, prompt: () => 'Hi.' }) },
}).createMachine({
  id: 'one',
  initial: 'a',
  states: { a: { invoke: { src: 'call', onDone: 'done' } }, done: { type: 'final' } },
});

function runWith(usage: { inputTokens: number; outputTokens: number; cachedInputTokens?: number }) {
  const main = scriptedModel({ handler: () => ({ json: { text: 'ok' }, usage }) });
  const agent = createAgent({
    machine: twoCalls,
    models: { main },
    prices: { scripted: { inputPerMillion: 1, outputPerMillion: 1 } },
  });
  const warnings: { code: string; message: string }[] = [];
  agent.events.on('agent.warning', ({ code, message }) => warnings.push({ code, message }));
  return agent.run({ input: undefined }).then((outcome) => ({ outcome, warnings }));
}

describe('accountingStep', () => {
  it('says once per model that a model answering without its usage is counted at 0 tokens', async () => {
    const { outcome, warnings } = await runWith({ inputTokens: 0, outputTokens: 0 });

    expect(outcome).toMatchObject({ status: 'done', usage: { modelCalls: 2, costUsd: 0 } });
    expect(warnings).toEqual([
      {
        code: 'model.usage_missing',
        message: expect.stringContaining(
          'Model "scripted" (scripted:scripted) answered without reporting its token usage: its calls are counted at 0 tokens and $0, so maxTokens, maxCostUsd',
        ),
      },
    ]);
  });

  it('says once per model that more cached than input tokens means the adapter counted the uncached input alone', async () => {
    // Anthropic-style usage passed on as it came: input_tokens 20, cache_read_input_tokens 10,000.
    const { outcome, warnings } = await runWith({
      inputTokens: 20,
      outputTokens: 5,
      cachedInputTokens: 10_000,
    });

    expect(outcome).toMatchObject({ status: 'done', usage: { modelCalls: 2 } });
    expect(warnings).toEqual([
      {
        code: 'model.usage_cached_over_input',
        message: expect.stringContaining(
          'Model "scripted" (scripted:scripted) reported 10000 cached input tokens out of 20 input tokens: usage.inputTokens must count every input token, cached ones included.',
        ),
      },
    ]);
  });

  it('says nothing of cached tokens counted within the input', async () => {
    const { warnings } = await runWith({
      inputTokens: 10_020,
      outputTokens: 5,
      cachedInputTokens: 10_000,
    });
    expect(warnings).toEqual([]);
  });

  it('says nothing of a model that reports its usage', async () => {
    const { warnings } = await runWith({ inputTokens: 12, outputTokens: 3 });
    expect(warnings).toEqual([]);
  });

  it('gives back the tokens a failed call was charged at admission, and keeps its request counted', async () => {
    const main = scriptedModel({
      handler: () => ({
        error: new ModelCallError({
          kind: 'bad_request',
          endpoint: 'scripted:scripted',
          message: 'The request was refused.',
        }),
      }),
    });
    const quota = createTenantQuota({ limits: { requestsPerDay: 10, tokensPerDay: 1_000_000 } });
    const agent = createAgent({ machine: twoCalls, models: { main }, quota });

    const outcome = await agent.run({ input: undefined, tenantId: 'acme' });

    expect(outcome).toMatchObject({ status: 'failed', usage: { inputTokens: 0, outputTokens: 0 } });
    // Before, its estimate (input and a 4 096-token output cap) stayed charged all day.
    expect(await quota.usage('acme')).toMatchObject({ requestsToday: 1, tokensToday: 0 });
  });

  it('prices the input a scripted model reports as served from the prompt cache at the cached rate', async () => {
    const main = scriptedModel({
      metadata: {
        contextWindow: 100_000,
        pricing: { inputPerMillion: 1000, cachedInputPerMillion: 100, outputPerMillion: 2000 },
      },
      handler: () => ({
        json: { text: 'ok' },
        usage: { inputTokens: 1000, cachedInputTokens: 800, outputTokens: 100 },
      }),
    });
    const agent = createAgent({ machine: twoCalls, models: { main } });

    const outcome = await agent.run({ input: undefined });

    // Per call: 200 uncached × $1000/M + 800 cached × $100/M + 100 out × $2000/M = $0.48.
    // Before, the scripted model dropped the cached share: $1.20 a call.
    expect(outcome.usage.costUsd).toBe(0.96);
  });

  it('settles a call that outlives its quota window in the window it was admitted in', async () => {
    const clock = manualClock(59_000);
    const main = scriptedModel({
      clock,
      latencyMs: 2_000,
      handler: () => ({ json: { text: 'ok' }, usage: { inputTokens: 10, outputTokens: 5 } }),
    });
    const quota = createTenantQuota({ limits: { tokensPerMinute: 100_000 }, clock });
    const agent = createAgent({ machine: one, models: { main }, quota, clock });

    const outcome = agent.run({ input: undefined, tenantId: 'acme' });
    await clock.advance(2_000);

    expect(await outcome).toMatchObject({ status: 'done' });
    // Before, the call's over-estimate came off the minute it ended in, below 0.
    expect(await quota.usage('acme')).toMatchObject({ tokensThisMinute: 0 });
  });
});
