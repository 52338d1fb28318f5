/**
 * Issue 9 — the journal is the one ledger: usage is a fold over journal records (live and on
 * restore, children included), and journal rows are capped.
 */
import {
  agentActor,
  createAgent,
  defineTool,
  humanWait,
  MemoryCheckpointer,
  structuredCall,
  toolCall,
  toolLoop,
} from '@agentchart/core';
import { MemoryCostLedger } from '@agentchart/core/cost';
import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';

const researcher = setup({
  actors: {
    research: structuredCall({
      model: 'fast',
      schema: z.object({ summary: z.string() }),
      prompt: (topic: string) => `Research ${topic}`,
    }),
  },
}).createMachine({
  id: 'researcher',
  initial: 'researching',
  context: ({ input }: { input: string }) => ({ topic: input, summary: '' }),
  states: {
    researching: {
      invoke: {
        src: 'research',
        input: ({ context }) => context.topic,
        onDone: {
          target: 'done',
          actions: assign({ summary: ({ event }) => event.output.summary }),
        },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ summary: context.summary }),
});

const supervisor = setup({
  actors: {
    research: agentActor({
      machine: researcher,
      input: z.string(),
      output: z.object({ summary: z.string() }),
    }),
    approve: humanWait({ prompt: () => 'Publish?', reply: z.object({ ok: z.boolean() }) }),
  },
}).createMachine({
  id: 'supervisor',
  initial: 'delegating',
  states: {
    delegating: { invoke: { src: 'research', input: 'harbours', onDone: 'approving' } },
    approving: { invoke: { src: 'approve', onDone: 'done' } },
    done: { type: 'final' },
  },
});

describe('the journal as the one ledger (issue 9)', () => {
  it("reports a child's usage and cost the same before and after the parent is restored", async () => {
    const checkpointer = new MemoryCheckpointer();
    const model = () =>
      scriptedModel({
        handler: () => ({
          json: { summary: 'deep water' },
          usage: { inputTokens: 1_000, outputTokens: 200 },
        }),
      });
    const first = createAgent({ machine: supervisor, models: { fast: model() }, checkpointer });
    const waiting = await first.run({ threadId: 'p', input: undefined });
    expect(waiting).toMatchObject({
      status: 'waiting',
      usage: { modelCalls: 1, inputTokens: 1_000 },
    });
    expect(waiting.usage.costUsd).toBeGreaterThan(0);
    await first.close();
    // Another process answers the wait: the parent is restored from its checkpoint and journal.
    const second = createAgent({ machine: supervisor, models: { fast: model() }, checkpointer });
    const done = await (
      await second.send('p', { type: 'human.reply', value: { ok: true } })
    ).result();
    expect(done.status).toBe('done');
    expect(done.usage.modelCalls).toBe(1);
    expect(done.usage.inputTokens).toBe(1_000);
    expect(done.usage.costUsd).toBeCloseTo(waiting.usage.costUsd, 12);
  });

  it("enforces maxCostUsd on a child's share after a restart", async () => {
    const checkpointer = new MemoryCheckpointer();
    const model = () =>
      scriptedModel({
        handler: () => ({
          json: { summary: 'x' },
          usage: { inputTokens: 100_000, outputTokens: 0 },
        }),
      });
    const first = createAgent({ machine: supervisor, models: { fast: model() }, checkpointer });
    const waiting = await first.run({ threadId: 'p', input: undefined });
    await first.close();
    // The child spent $0.015; a restored parent with a limit below that stops at once.
    const second = createAgent({
      machine: supervisor,
      models: { fast: model() },
      checkpointer,
      limits: { maxCostUsd: waiting.usage.costUsd / 2 },
    });
    const outcome = await (await second.resume('p')).result();
    expect(outcome).toMatchObject({ status: 'limit', limit: { limit: 'maxCostUsd' } });
  });

  it("charges a child's calls to the parent's tenant", async () => {
    const costLedger = new MemoryCostLedger();
    const model = scriptedModel({ handler: () => ({ json: { summary: 'x' } }) });
    const agent = createAgent({ machine: supervisor, models: { fast: model }, costLedger });
    await agent.run({ input: undefined, tenantId: 'acme' });
    const entries = await costLedger.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.tenantId).toBe('acme');
  });

  it('caps tool outputs in the journal like the history: 40 steps of 240 KB write under 2 MB', async () => {
    const big = 'x'.repeat(240_000);
    const dump = defineTool({
      name: 'dump',
      description: 'Returns a large page.',
      input: z.object({ page: z.number() }),
      output: z.object({ text: z.string() }),
      effect: 'pure',
      execute: async ({ page }) => ({ text: `${page}${big}` }),
    });
    const steps = 40;
    const model = scriptedModel({
      handler: (_request, index) =>
        index < steps ? { toolCalls: [{ name: 'dump', arguments: { page: index } }] } : 'Done.',
    });
    const loop = toolLoop({
      model: 'fast',
      tools: [dump],
      prompt: () => 'Read it all.',
      maxSteps: steps + 1,
      maxToolOutputTokens: 2_000,
    });
    const machine = setup({ actors: { loop } }).createMachine({
      id: 'reader',
      initial: 'reading',
      states: { reading: { invoke: { src: 'loop', onDone: 'done' } }, done: { type: 'final' } },
    });
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine, models: { fast: model }, checkpointer });
    expect((await agent.run({ threadId: 'r', input: undefined })).status).toBe('done');
    const journal = await checkpointer.listEffects('r');
    const bytes = journal.reduce((sum, entry) => sum + JSON.stringify(entry).length, 0);
    expect(journal.filter((entry) => entry.kind === 'tool')).toHaveLength(steps);
    expect(bytes).toBeLessThan(2_000_000);
  });

  it('keeps a 20 MB invalid tool output out of the journal row and the event', async () => {
    const huge = 'y'.repeat(20_000_000);
    const broken = defineTool({
      name: 'broken',
      description: 'Returns the wrong shape.',
      input: z.object({}),
      output: z.object({ ok: z.boolean() }),
      effect: 'idempotent',
      execute: async () => ({ ok: huge }) as never,
    });
    const machine = setup({ actors: { broken: toolCall(broken) } }).createMachine({
      id: 'broken',
      initial: 'calling',
      states: {
        calling: { invoke: { src: 'broken', input: {}, onError: 'failed' } },
        failed: { type: 'final' },
      },
    });
    const checkpointer = new MemoryCheckpointer();
    const agent = createAgent({ machine, checkpointer });
    const errors: unknown[] = [];
    agent.events.on('tool.call.error', (event) => errors.push(event.error));
    expect((await agent.run({ threadId: 'b', input: undefined })).status).toBe('done');
    const [entry] = await checkpointer.listEffects('b');
    expect(entry?.error?.code).toBe('tool.invalid_output');
    expect(JSON.stringify(entry).length).toBeLessThan(1_100_000);
    expect(JSON.stringify(errors).length).toBeLessThan(1_100_000);
  });
});
