/**
 * Issue 9 — limits and budgets mean what they say: a chart's wrap-up finishes, wall time
 * aborts in-flight work, projections use the request's own output cap, and a limit that
 * cannot be enforced is refused at definition time.
 */
import {
  createAgent,
  DefinitionError,
  defineTool,
  MemoryCheckpointer,
  structuredCall,
  toolCall,
  toolLoop,
} from '@agentchart/core';
import { manualClock, scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { askingChart, wrappingChart } from '../../src/run/wall-limit-charts.test-support';

const summary = z.object({ text: z.string() });

describe('limits (issue 9)', () => {
  it('finishes a chart that handles limit.reached and calls the model in its wrap-up state', async () => {
    const model = scriptedModel({ handler: () => ({ json: { text: 'so far: two facts' } }) });
    const machine = setup({
      types: { context: {} as { notes: number; summary?: string } },
      actors: {
        research: structuredCall({ model: 'fast', schema: summary, prompt: () => 'More.' }),
        wrapUp: structuredCall({ model: 'fast', schema: summary, prompt: () => 'Summarise.' }),
      },
    }).createMachine({
      id: 'wrap-up',
      context: { notes: 0 },
      initial: 'researching',
      on: { 'limit.reached': '.wrappingUp' },
      states: {
        researching: {
          invoke: {
            src: 'research',
            onDone: {
              target: 'researching',
              reenter: true,
              actions: assign({ notes: ({ context }) => context.notes + 1 }),
            },
          },
        },
        wrappingUp: {
          invoke: {
            src: 'wrapUp',
            onDone: {
              target: 'done',
              actions: assign({ summary: ({ event }) => event.output.text }),
            },
          },
        },
        done: { type: 'final' },
      },
      output: ({ context }) => ({ notes: context.notes, summary: context.summary }),
    });
    const agent = createAgent({ machine, models: { fast: model }, limits: { maxModelCalls: 3 } });
    const outcome = await agent.run({ input: undefined });
    expect(outcome).toMatchObject({
      status: 'done',
      output: { notes: 3, summary: 'so far: two facts' },
    });
    expect(model.requests).toHaveLength(4);
  });

  it('ends a wrap-up that overruns its grace in the limit outcome', async () => {
    const model = scriptedModel({ handler: () => ({ json: { text: 'x' } }) });
    const machine = setup({
      actors: { call: structuredCall({ model: 'fast', schema: summary, prompt: () => 'Go.' }) },
    }).createMachine({
      id: 'greedy-wrap-up',
      initial: 'working',
      on: { 'limit.reached': '.wrappingUp' },
      states: {
        working: { invoke: { src: 'call', onDone: { target: 'working', reenter: true } } },
        wrappingUp: { invoke: { src: 'call', onDone: { target: 'wrappingUp', reenter: true } } },
      },
    });
    const agent = createAgent({
      machine,
      models: { fast: model },
      limits: { maxModelCalls: 2, wrapUp: { maxModelCalls: 2 } },
    });
    const outcome = await agent.run({ input: undefined });
    expect(outcome).toMatchObject({
      status: 'limit',
      limit: { limit: 'maxModelCalls', duringWrapUp: true },
    });
    expect(model.requests).toHaveLength(4);
  });

  it('aborts in-flight effects at maxWallTimeMs', async () => {
    const clock = manualClock(0);
    let aborted = false;
    const slow = defineTool({
      name: 'slow',
      description: 'Takes 1.5 s.',
      input: z.object({}),
      output: z.object({}),
      effect: 'idempotent',
      execute: (_input, { signal }) =>
        new Promise((resolve) => {
          const timer = clock.setTimeout(() => resolve({}), 1_500);
          signal.addEventListener('abort', () => {
            aborted = true;
            clock.clearTimeout(timer);
          });
        }),
    });
    const machine = setup({ actors: { slow: toolCall(slow) } }).createMachine({
      id: 'slow',
      initial: 'working',
      states: {
        working: { invoke: { src: 'slow', input: {}, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const agent = createAgent({ machine, clock, limits: { maxWallTimeMs: 200 } });
    let endedAt: number | undefined;
    agent.events.on('run.end', (event) => {
      endedAt = event.at;
    });
    const handle = agent.start({ input: undefined });
    await clock.advance(200);
    expect(await handle.result()).toMatchObject({
      status: 'limit',
      limit: { limit: 'maxWallTimeMs' },
    });
    expect(aborted).toBe(true);
    expect(endedAt).toBe(200);
  });

  it.each([false, true])(
    'ends a run resting on a wait for a person at maxWallTimeMs, not at the wait’s later deadline (evictWaiting %s)',
    async (evictWaiting) => {
      // Before: the wall-time timer went with the run's rest, and the checkpoint's wake-up time
      // was the wait's deadline: the thread stayed `waiting` (and listed as answerable) long
      // after its limit, in this process and for a worker alike.
      const clock = manualClock(0);
      const machine = askingChart(60_000);
      const checkpointer = new MemoryCheckpointer();
      const agent = createAgent({
        machine,
        clock,
        checkpointer,
        evictWaiting,
        limits: { maxWallTimeMs: 500 },
      });
      const handle = agent.start({ threadId: 'w', input: undefined });
      expect((await handle.result()).status).toBe('waiting');
      expect((await checkpointer.latest('w'))?.wakeAt).toBe(500);
      await clock.advance(500);
      expect(await handle.result()).toMatchObject({
        status: 'limit',
        limit: { limit: 'maxWallTimeMs', max: 500 },
      });
      expect((await checkpointer.latest('w'))?.run.status).toBe('limit');
      await agent.close();
    },
  );

  it('hands a wall-time limit reached while waiting to a chart that handles limit.reached', async () => {
    const clock = manualClock(0);
    const agent = createAgent({
      machine: wrappingChart,
      clock,
      evictWaiting: false,
      limits: { maxWallTimeMs: 500 },
    });
    const handle = agent.start({ input: undefined });
    expect((await handle.result()).status).toBe('waiting');
    await clock.advance(500);
    expect(await handle.result()).toMatchObject({ status: 'done', output: { wrapped: true } });
  });

  it("projects a call's cost with the request's own output cap, not the budget's reserve", async () => {
    const model = scriptedModel({
      handler: () => ({ json: { text: 'ok' }, usage: { inputTokens: 50, outputTokens: 10 } }),
    });
    const machine = setup({
      actors: {
        short: structuredCall({
          model: 'fast',
          schema: summary,
          prompt: () => 'One word.',
          maxOutputTokens: 20,
        }),
      },
    }).createMachine({
      id: 'cheap',
      initial: 'asking',
      states: { asking: { invoke: { src: 'short', onDone: 'done' } }, done: { type: 'final' } },
    });
    // 4 096 reserved tokens at $0.60/M would be $0.0025; the call with its 20-token cap costs
    // about $0.00002 — within $0.00003.
    const agent = createAgent({
      machine,
      models: { fast: model },
      budget: { reserveOutputTokens: 4_096 },
      limits: { maxCostUsd: 0.00003 },
    });
    expect((await agent.run({ input: undefined })).status).toBe('done');
    expect(model.requests[0]?.maxOutputTokens).toBe(20);
  });

  it('gives toolLoop a maxOutputTokens that reaches the request', async () => {
    const model = scriptedModel({ responses: ['Done.'] });
    const loop = toolLoop({ model: 'fast', tools: [], prompt: () => 'Go.', maxOutputTokens: 64 });
    const machine = setup({ actors: { loop } }).createMachine({
      id: 'loop',
      initial: 'looping',
      states: { looping: { invoke: { src: 'loop', onDone: 'done' } }, done: { type: 'final' } },
    });
    await createAgent({ machine, models: { fast: model } }).run({ input: undefined });
    expect(model.requests[0]?.maxOutputTokens).toBe(64);
  });

  it('refuses maxCostUsd with a model whose price is unknown, at definition time', () => {
    const free = { ...scriptedModel({}), metadata: { contextWindow: 32_000 } };
    const machine = setup({
      actors: { call: structuredCall({ model: 'local', schema: summary, prompt: () => 'Hi.' }) },
    }).createMachine({ id: 'local', initial: 'a', states: { a: { invoke: { src: 'call' } } } });
    expect(() =>
      createAgent({ machine, models: { local: free }, limits: { maxCostUsd: 1 } }),
    ).toThrow(DefinitionError);
    expect(() =>
      createAgent({
        machine,
        models: { local: free },
        limits: { maxCostUsd: 1 },
        prices: { scripted: { inputPerMillion: 0, outputPerMillion: 0 } },
      }),
    ).not.toThrow();
  });

  it('says once per model that a model with no known price is counted at $0 (unknown price)', async () => {
    const local = {
      ...scriptedModel({ handler: () => ({ json: { text: 'ok' } }) }),
      metadata: { contextWindow: 32_000 },
    };
    const machine = setup({
      actors: { call: structuredCall({ model: 'local', schema: summary, prompt: () => 'Hi.' }) },
    }).createMachine({
      id: 'local',
      initial: 'a',
      states: {
        a: { invoke: { src: 'call', onDone: 'b' } },
        b: { invoke: { src: 'call', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const agent = createAgent({ machine, models: { local } });
    const warnings: { code: string; message: string }[] = [];
    agent.events.on('agent.warning', ({ code, message }) => warnings.push({ code, message }));
    const outcome = await agent.run({ input: undefined });
    expect(outcome).toMatchObject({ status: 'done', usage: { modelCalls: 2, costUsd: 0 } });
    expect(warnings).toEqual([
      {
        code: 'model.unknown_price',
        message: expect.stringContaining(
          'Model "scripted" (scripted:scripted) has no known price: its calls are counted at $0',
        ),
      },
    ]);
    // A price given, even 0 for a free local model, says nothing.
    const priced = createAgent({
      machine,
      models: { local },
      prices: { scripted: { inputPerMillion: 0, outputPerMillion: 0 } },
    });
    const quiet: string[] = [];
    priced.events.on('agent.warning', (event) => quiet.push(event.code));
    await priced.run({ input: undefined });
    expect(quiet).toEqual([]);
  });

  it('never sends a model with no known window more than an assumed window, and says so', async () => {
    const local = { ...scriptedModel({ handler: () => 'ok' }), metadata: undefined };
    const machine = setup({
      actors: { loop: toolLoop({ model: 'local', tools: [], prompt: (text: string) => text }) },
    }).createMachine({
      id: 'local',
      initial: 'a',
      states: {
        a: {
          invoke: {
            src: 'loop',
            input: 'word '.repeat(1_000_000),
            onError: 'failed',
            onDone: 'done',
          },
        },
        done: { type: 'final' },
        failed: { type: 'final' },
      },
      output: ({ event }) => (event as { error?: { code?: string } }).error?.code,
    });
    const agent = createAgent({ machine, models: { local } });
    const warnings: string[] = [];
    agent.events.on('agent.warning', (event) => warnings.push(event.code));
    await agent.run({ input: undefined });
    expect(local.requests).toHaveLength(0);
    expect(warnings).toEqual(['model.unknown_context_window']);
  });

  it.each([
    ['maxSteps', Number.POSITIVE_INFINITY],
    ['maxModelCalls', -1],
    ['maxTokens', Number.NaN],
    ['maxCostUsd', -0.5],
    ['maxWallTimeMs', 2 ** 31],
  ] as const)('refuses limits.%s = %s at definition time', (name, value) => {
    const machine = setup({}).createMachine({ id: 'm', initial: 'a', states: { a: {} } });
    expect(() => createAgent({ machine, limits: { [name]: value } })).toThrow(DefinitionError);
  });
});
