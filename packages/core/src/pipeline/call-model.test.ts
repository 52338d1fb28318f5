import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { createResponseCache } from '../cache/create-response-cache';
import { MemoryCostLedger } from '../cost/memory-cost-ledger';
import { structuredCall } from '../effects/structured-call';
import { toolLoop } from '../effects/tool-loop';
import type { RunEvent } from '../events/types';
import { createTenantQuota } from '../tenancy/create-tenant-quota';
import { runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';

/** A price for the test models given a window of their own (which drops the default price): free, so their calls are priced — at $0 — and no `model.unknown_price` is warned. */
const free = { inputPerMillion: 0, outputPerMillion: 0 };

const classify = structuredCall({
  model: 'fast',
  schema: z.object({ relevant: z.boolean() }),
  prompt: (text: string) => `Classify: ${text}`,
});
const answer = () => ({
  json: { relevant: true },
  usage: { inputTokens: 1_000, outputTokens: 100 },
});

describe('callModel in a run', () => {
  it('serves a repeated request from the response cache: not billed, not counted, marked cached', async () => {
    const model = scriptedModel({ handler: answer });
    const cache = createResponseCache();
    const costLedger = new MemoryCostLedger();
    const first = await runEffect(classify, 'bridge', {
      models: { fast: model },
      cache,
      costLedger,
    });
    const second = await runEffect(classify, 'bridge', {
      models: { fast: model },
      cache,
      costLedger,
    });
    expect(second.output).toEqual({ relevant: true });
    expect(model.requests).toHaveLength(1);
    expect(first.outcome.usage).toMatchObject({ modelCalls: 1, inputTokens: 1_000 });
    expect(second.outcome.usage).toMatchObject({ modelCalls: 0, inputTokens: 0, costUsd: 0 });
    expect(cache.metrics()).toMatchObject({ hits: 1, misses: 1 });
    expect(await costLedger.summarise()).toMatchObject({
      calls: 2,
      cachedCalls: 1,
      inputTokens: 1_000,
    });
  });

  it('serves a tenant only from its own cache entries: no answer, and no hit telling what another asked (issue 13)', async () => {
    const model = scriptedModel({ handler: answer });
    const cache = createResponseCache();
    const machine = (await import('../testing/run-effect')).effectMachine(classify, 'merger');
    const agent = createAgent({ machine, models: { fast: model }, cache });
    const acme = await agent.run({ input: undefined, tenantId: 'acme' });
    const globex = await agent.run({ input: undefined, tenantId: 'globex' });
    const acmeAgain = await agent.run({ input: undefined, tenantId: 'acme' });
    const untenanted = await agent.run({ input: undefined });
    expect([acme, globex, acmeAgain, untenanted].map((outcome) => outcome.status)).toEqual([
      'done',
      'done',
      'done',
      'done',
    ]);
    // The same request: acme's repeat is a hit; globex and a run without a tenant asked the model.
    expect(model.requests).toHaveLength(3);
    expect(globex.usage.modelCalls).toBe(1);
    expect(acmeAgain.usage.modelCalls).toBe(0);
    expect(cache.metrics()).toMatchObject({ hits: 1, misses: 3 });
    await agent.close();
  });

  it('never serves an answer that calls an unsafe tool from the cache', async () => {
    let sent = 0;
    const send = defineTool({
      name: 'send',
      description: 'Sends.',
      input: z.object({}),
      output: z.object({}),
      effect: 'unsafe',
      execute: async () => {
        sent++;
        return {};
      },
    });
    const model = scriptedModel({
      handler: (request) =>
        request.messages.some((message) => message.role === 'tool')
          ? 'sent'
          : { toolCalls: [{ name: 'send', arguments: {} }] },
    });
    const loop = toolLoop({ model: 'fast', tools: [send], prompt: () => 'send it' });
    const cache = createResponseCache();
    await runEffect(loop, undefined, { models: { fast: model }, cache });
    await runEffect(loop, undefined, { models: { fast: model }, cache });
    expect(sent).toBe(2);
    // The final answers ("sent") may be cached; the tool-calling ones never are.
    expect(
      model.requests.filter((request) => !request.messages.some((m) => m.role === 'tool')),
    ).toHaveLength(2);
  });

  it('fails a tenant’s call when its quota is used up, to the chart that handles it, and charges it per tenant', async () => {
    const model = scriptedModel({ handler: answer });
    const quota = createTenantQuota({ limits: { requestsPerDay: 1 } });
    const costLedger = new MemoryCostLedger();
    const machine = (await import('../testing/run-effect')).effectMachine(classify, 'tender');
    const agent = createAgent({ machine, models: { fast: model }, quota, costLedger });
    const first = await agent.run({ input: undefined, tenantId: 'acme' });
    const second = await agent.run({ input: undefined, tenantId: 'acme' });
    const other = await agent.run({ input: undefined, tenantId: 'globex' });
    expect(first.status).toBe('done');
    // The effect machine takes its effect's failure (onError): the quota fails the call, not the run.
    expect(second).toMatchObject({
      status: 'done',
      output: {
        error: {
          code: 'run.limit_reached',
          details: { limit: 'requestsPerDay', max: 1, tenantId: 'acme' },
        },
      },
    });
    expect(other.status).toBe('done');
    expect(model.requests).toHaveLength(2);
    const byTenant = await costLedger.summariseBy('tenantId');
    expect(byTenant.get('acme')?.calls).toBe(1);
    expect(byTenant.get('globex')?.calls).toBe(1);
  });

  it('emits the budget ledger of every call with its token tax', async () => {
    const model = scriptedModel({ handler: answer });
    const machine = (await import('../testing/run-effect')).effectMachine(classify, 'tender');
    const agent = createAgent({ machine, models: { fast: model } });
    const ledgers: RunEvent<'budget.ledger'>[] = [];
    agent.events.on('budget.ledger', (event) => ledgers.push(event));
    await agent.run({ input: undefined });
    expect(ledgers).toHaveLength(1);
    expect(ledgers[0]?.ledger.inputTokens).toBeGreaterThan(0);
    expect(ledgers[0]?.ledger.tokenTax).toBeGreaterThan(0);
  });

  it('compresses old history with the summariser model, as its own journaled call', async () => {
    const history = Array.from({ length: 40 }, (_, turn) => [
      { role: 'user' as const, content: `question ${turn}: ${'context '.repeat(60)}` },
      { role: 'assistant' as const, content: `answer ${turn}: ${'detail '.repeat(60)}` },
    ]).flat();
    const smallWindow = { contextWindow: 4_000, maxOutputTokens: 500, pricing: free };
    const main = scriptedModel({ metadata: smallWindow, handler: answer });
    const cheap = scriptedModel({
      modelName: 'cheap',
      handler: () => 'SUMMARY: 40 earlier turns about context and detail.',
    });
    const withHistory = structuredCall({
      model: 'fast',
      schema: z.object({ relevant: z.boolean() }),
      prompt: (text: string) => [...history, { role: 'user' as const, content: text }],
    });
    const machine = (await import('../testing/run-effect')).effectMachine(
      withHistory,
      'latest question',
    );
    const agent = createAgent({
      machine,
      models: { fast: main, cheap },
      summariserModel: 'cheap',
      budget: { strategies: ['compress-history'] },
    });
    const outcome = await agent.run({ threadId: 'long', input: undefined });
    expect(outcome.status).toBe('done');
    expect(cheap.requests).toHaveLength(1);
    const sent = main.requests[0]!;
    expect(
      sent.messages.some((message) => message.content.includes('SUMMARY: 40 earlier turns')),
    ).toBe(true);
    expect(sent.messages.at(-1)?.content).toBe('latest question');
    expect(sent.messages.length).toBeLessThan(history.length);
    const journal = await agent.journal('long');
    expect(
      journal.filter((entry) => entry.kind === 'llm' && entry.status === 'completed'),
    ).toHaveLength(2);
  });
});
