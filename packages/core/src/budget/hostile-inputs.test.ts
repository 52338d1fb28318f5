import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { structuredCall } from '../effects/structured-call';
import { toolLoop } from '../effects/tool-loop';
import type { ChatRequest } from '../model/types';
import { runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';
import { applyContextBudget } from './apply-context-budget';
import { BudgetError } from './budget-error';
import { capToolOutput } from './cap-tool-output';
import { estimateTokenCounter } from './create-token-counter';

const gpt4oMini = {
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
};
/** About a million tokens of ordinary text (the estimate says 1.2 M). */
const millionTokenMessage =
  'The quay wall needs anchoring and scour protection along berth seven. '.repeat(100_000);

describe('hostile inputs', () => {
  it('refuses a 1M-token user message with a budget.exceeded error naming the input, sending nothing', async () => {
    const error = await applyContextBudget({
      request: {
        messages: [
          { role: 'system', content: 'Screen tenders.' },
          { role: 'user', content: millionTokenMessage },
        ],
      },
      model: { modelName: 'gpt-4o-mini', metadata: gpt4oMini },
      counter: estimateTokenCounter,
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BudgetError);
    const { details } = error as BudgetError;
    expect(details.contextWindow).toBe(128_000);
    const input = details.sections.find((size) => size.section === 'input');
    expect(input?.tokens).toBeGreaterThan(1_000_000);
    expect(input?.minTokens).toBe(input?.tokens);
  });

  it('cuts a 1M-token user message to the window, head and tail kept, when the state allows it', async () => {
    const { request, ledger } = await applyContextBudget({
      request: {
        messages: [
          { role: 'system', content: 'Screen tenders.' },
          { role: 'user', content: millionTokenMessage },
        ],
      },
      model: { modelName: 'gpt-4o-mini', metadata: gpt4oMini },
      counter: estimateTokenCounter,
      budget: { strategies: ['keep-head-and-tail'] },
    });
    expect(
      estimateTokenCounter.countRequest(request) + (ledger?.reservedOutputTokens ?? 0),
    ).toBeLessThanOrEqual(128_000);
    expect(request.messages[1]?.content).toMatch(
      /characters of the input cut here to fit the context window/,
    );
    expect(ledger?.trimmed).toEqual([
      expect.objectContaining({ section: 'input', action: 'cut-middle' }),
    ]);
  });

  it('never sends a request over the window: the run budget refuses it, or cuts it when allowed', async () => {
    const received: ChatRequest[] = [];
    const inner = scriptedModel({
      metadata: gpt4oMini,
      handler: (request) => {
        received.push(request);
        return { json: { relevant: true } };
      },
    });
    const classify = structuredCall({
      model: 'fast',
      schema: z.object({ relevant: z.boolean() }),
      prompt: (text: string) => text,
    });
    // The agent plans every call against the model's window before anything is sent.
    const refused = await runEffect(classify, millionTokenMessage, { models: { fast: inner } });
    expect(received).toHaveLength(0);
    expect(refused.error).toMatchObject({
      code: 'budget.exceeded',
      message: /needs at least \d+ tokens/,
    });

    const cut = await runEffect(classify, millionTokenMessage, {
      models: { fast: inner },
      budget: { strategies: ['keep-head-and-tail'] },
    });
    expect(cut.output).toEqual({ relevant: true });
    expect(received).toHaveLength(1);
    expect(estimateTokenCounter.countRequest(received[0]!)).toBeLessThan(128_000);

    expect(received).toHaveLength(1);
  });

  it('caps a 10 MB tool output before it enters the history, with a truncation marker', () => {
    const tenMegabytes = JSON.stringify({
      rows: Array.from({ length: 120_000 }, (_, id) => ({ id, name: `item ${id}`, ok: true })),
    });
    expect(tenMegabytes.length).toBeGreaterThan(4_000_000);
    const output = tenMegabytes + ' '.repeat(10_000_000 - tenMegabytes.length);
    const capped = capToolOutput(output, { maxTokens: 4_000, tool: 'export_rows' });
    expect(capped.truncated).toBe(true);
    expect(estimateTokenCounter.countText(capped.content)).toBeLessThanOrEqual(4_000);
    expect(capped.content).toMatch(
      /truncated by agentchart: \d+ of 10000000 characters of "export_rows" tool output omitted/,
    );
  });

  it('stops a tool loop that never ends with the limit outcome at maxModelCalls', async () => {
    const search = defineTool({
      name: 'search',
      description: 'Searches.',
      input: z.object({ page: z.number() }),
      output: z.object({ next: z.number() }),
      effect: 'pure',
      execute: async ({ page }) => ({ next: page + 1 }),
    });
    // The model always wants one more page: a runaway loop no step limit of the loop catches.
    const model = scriptedModel({
      handler: (_request, index) => ({
        toolCalls: [{ name: 'search', arguments: { page: index } }],
      }),
    });
    const loop = toolLoop({
      model: 'fast',
      tools: [search],
      prompt: () => 'find everything',
      maxSteps: 1_000,
    });
    const outcome = await runEffect(loop, undefined, {
      models: { fast: model },
      limits: { maxModelCalls: 5 },
    });
    expect(outcome.outcome).toMatchObject({
      status: 'limit',
      // The sixth call, refused: a limit found before a call counts that call (LimitInfo.value).
      limit: { limit: 'maxModelCalls', value: 6, max: 5 },
    });
    expect(model.requests).toHaveLength(5);
  });

  it('stops a runaway loop with the limit outcome when its cost reaches maxCostUsd', async () => {
    const tick = defineTool({
      name: 'tick',
      description: 'Ticks.',
      input: z.object({ n: z.number() }),
      output: z.number(),
      effect: 'pure',
      execute: async ({ n }) => n,
    });
    // Each call costs 10 000 × $0.15/M + 1 000 × $0.60/M = $0.0021.
    const model = scriptedModel({
      metadata: gpt4oMini,
      handler: (_request, index) => ({
        toolCalls: [{ name: 'tick', arguments: { n: index } }],
        usage: { inputTokens: 10_000, outputTokens: 1_000 },
      }),
    });
    const agentLoop = toolLoop({
      model: 'fast',
      tools: [tick],
      prompt: () => 'go',
      maxSteps: 1_000,
    });
    const { outcome } = await runEffect(agentLoop, undefined, {
      models: { fast: model },
      limits: { maxCostUsd: 0.01 },
    });
    expect(outcome).toMatchObject({ status: 'limit', limit: { limit: 'maxCostUsd', max: 0.01 } });
    // The run stops before a call whose planned size (input + reserved output) could cross
    // the limit: 4 calls ($0.0084), never a fifth that might end at $0.0105.
    expect(model.requests).toHaveLength(4);
    expect(outcome.usage.costUsd).toBeCloseTo(0.0084, 6);
    expect(outcome.usage.costUsd).toBeLessThanOrEqual(0.01);
  });

  it('ends a createAgent run in the limit outcome with a limit.reached event, not a failure mid-step', async () => {
    const ping = defineTool({
      name: 'ping',
      description: 'Pings.',
      input: z.object({ n: z.number() }),
      output: z.number(),
      effect: 'pure',
      execute: async ({ n }) => n,
    });
    const machine = setup({
      actors: {
        work: toolLoop({
          model: 'fast',
          tools: [ping],
          prompt: () => 'keep going',
          maxSteps: 1_000,
        }),
      },
    }).createMachine({
      id: 'runaway',
      initial: 'working',
      states: {
        working: { invoke: { src: 'work', onDone: 'done', onError: 'failed' } },
        done: { type: 'final' },
        failed: { type: 'final' },
      },
    });
    const model = scriptedModel({
      handler: (_request, index) => ({ toolCalls: [{ name: 'ping', arguments: { n: index } }] }),
    });
    const agent = createAgent({ machine, models: { fast: model }, limits: { maxModelCalls: 3 } });
    const reached: unknown[] = [];
    agent.events.on('limit.reached', (event) => reached.push(event));
    const outcome = await agent.run({ threadId: 'runaway-1', input: undefined });
    expect(outcome).toMatchObject({ status: 'limit', limit: { limit: 'maxModelCalls', max: 3 } });
    expect(outcome.usage.modelCalls).toBe(3);
    expect(reached).toEqual([
      expect.objectContaining({ limit: 'maxModelCalls', max: 3, threadId: 'runaway-1' }),
    ]);
  });
});
