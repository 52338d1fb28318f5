import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import type { RunEvent } from '../events/types';
import { manualClock } from '../testing/manual-clock';
import { type ScriptedModelOptions, scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';
import { toolLoop } from './tool-loop';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

/** An order agent whose loop books an order with an unsafe tool; `field` names its argument. */
function orderAgent(
  field: 'sku' | 'code',
  booked: unknown[],
  model: ScriptedModelOptions,
  checkpointer = stores.open(),
) {
  const book = defineTool({
    name: 'book',
    description: 'Books an order',
    input: z.object({ [field]: z.string() }),
    output: z.object({ booked: z.boolean() }),
    effect: 'unsafe',
    approval: 'never',
    execute: async (input) => {
      booked.push(input);
      return { booked: true };
    },
  });
  const machine = setup({
    actors: { work: toolLoop({ model: 'fast', tools: [book], prompt: () => 'Book order 7' }) },
  }).createMachine({
    id: 'orders',
    initial: 'working',
    states: { working: { invoke: { src: 'work', onDone: 'done' } }, done: { type: 'final' } },
  });
  const clock = manualClock(0);
  return createAgent({
    machine,
    models: { fast: scriptedModel({ ...model, clock }) },
    checkpointer,
    clock,
  });
}

describe('a tool loop restored after a deploy changed a tool input schema', () => {
  it('gives the model the recorded result of a call the earlier deploy ran, and runs nothing again', async () => {
    const booked: unknown[] = [];
    // The first deploy: the model books with { sku }, then its next call never answers (the
    // process dies there: a clock nobody advances).
    const first = orderAgent('sku', booked, {
      responses: [
        { toolCalls: [{ id: 'c1', name: 'book', arguments: { sku: 'A-7' } }] },
        { content: 'never', latencyMs: 60_000 },
      ],
    });
    first.start({ threadId: 't', input: {} });
    const checkpointer = stores.open();
    for (let turn = 0; turn < 1_000; turn++) {
      const entries = await checkpointer.listEffects('t');
      if (
        entries.some(
          (entry) =>
            entry.kind === 'llm' && entry.status === 'started' && entry.key.endsWith('/2:llm'),
        )
      )
        break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(booked).toEqual([{ sku: 'A-7' }]);
    // The next deploy's tool takes { code }. Told the recorded call was invalid, a model
    // books again with the new argument: the order was booked twice.
    const seen: string[] = [];
    const next = orderAgent(
      'code',
      booked,
      {
        handler: (request) => {
          const last = request.messages.at(-1);
          seen.push(String(last?.content));
          return String(last?.content).includes('Invalid arguments')
            ? { toolCalls: [{ id: 'c2', name: 'book', arguments: { code: 'A-7' } }] }
            : { content: 'booked' };
        },
      },
      checkpointer,
    );
    const warnings: RunEvent[] = [];
    next.events.on('agent.warning', (event) => warnings.push(event));
    const outcome = await (await next.resume('t', { force: true })).result();
    expect(outcome.status).toBe('done');
    expect(booked).toEqual([{ sku: 'A-7' }]);
    expect(seen[0]).toContain('booked');
    expect(seen[0]).not.toContain('Invalid arguments');
    expect(warnings).toEqual([
      expect.objectContaining({
        type: 'agent.warning',
        code: 'restore.tool_call_outdated',
        message: expect.stringContaining('"book" with {"sku":"A-7"} was run before this deploy'),
      }),
    ]);
    await next.close();
  });

  it('still tells the model of a call that does not fit and never ran', async () => {
    const booked: unknown[] = [];
    const agent = orderAgent('code', booked, {
      responses: [
        { toolCalls: [{ id: 'c1', name: 'book', arguments: { sku: 'A-7' } }] },
        { toolCalls: [{ id: 'c2', name: 'book', arguments: { code: 'A-7' } }] },
        { content: 'booked' },
      ],
    });
    const warnings: RunEvent[] = [];
    agent.events.on('agent.warning', (event) => warnings.push(event));
    const outcome = await agent.start({ threadId: 't', input: {} }).result();
    expect(outcome.status).toBe('done');
    expect(booked).toEqual([{ code: 'A-7' }]);
    expect(warnings).toEqual([]);
    await agent.close();
  });
});

describe('a tool loop restored after a deploy changed a tool input schema, the call unfinished', () => {
  it.each([
    ['an idempotent tool', 'idempotent'],
    ['an unsafe tool whose reconcile says it never ran', 'unsafe'],
  ] as const)(
    'never runs %s with the recorded arguments its schema now refuses',
    async (_, effect) => {
      const checkpointer = stores.open();
      /** A booking tool taking `field`; the first deploy's never returns. */
      const agentOf = (field: 'sku' | 'code', execute: (input: unknown) => Promise<unknown>) => {
        const book = defineTool({
          name: 'book',
          description: 'Books an order',
          input: z.object({ [field]: z.string() }),
          output: z.object({ booked: z.boolean() }),
          effect,
          approval: 'never',
          execute: execute as () => Promise<{ booked: boolean }>,
          ...(effect === 'unsafe'
            ? { reconcile: async () => ({ status: 'not_executed' as const }) }
            : {}),
        });
        const machine = setup({
          actors: {
            work: toolLoop({ model: 'fast', tools: [book], prompt: () => 'Book order 7' }),
          },
        }).createMachine({
          id: 'orders',
          initial: 'working',
          states: { working: { invoke: { src: 'work', onDone: 'done' } }, done: { type: 'final' } },
        });
        const clock = manualClock(0);
        const model = scriptedModel({
          clock,
          handler: (request) =>
            String(request.messages.at(-1)?.content).includes('Invalid arguments')
              ? { toolCalls: [{ id: 'c2', name: 'book', arguments: { code: 'A-7' } }] }
              : request.messages.at(-1)?.role === 'tool'
                ? { content: 'booked' }
                : { toolCalls: [{ id: 'c1', name: 'book', arguments: { sku: 'A-7' } }] },
        });
        return createAgent({ machine, models: { fast: model }, checkpointer, clock });
      };
      // The first deploy starts the call, and its process dies while the tool runs.
      let called!: () => void;
      const calledOnce = new Promise<void>((resolve) => {
        called = resolve;
      });
      const first = agentOf('sku', () => {
        called();
        return new Promise(() => undefined);
      });
      first.start({ threadId: 't', input: {} });
      await calledOnce;
      // The next deploy's tool takes { code }: its execute must only get what fits it.
      const given: unknown[] = [];
      const next = agentOf('code', async (input) => {
        given.push(input);
        return { booked: true };
      });
      const warnings: RunEvent[] = [];
      next.events.on('agent.warning', (event) => warnings.push(event));
      const outcome = await (await next.resume('t', { force: true })).result();
      expect(outcome.status).toBe('done');
      // An idempotent call left started is not kept (it would run again); an unsafe one is,
      // for its reconcile, which tells it never ran: the model is told its arguments do not fit.
      expect(warnings).toHaveLength(effect === 'unsafe' ? 1 : 0);
      // Before: the recorded call, unfinished, was run again with { sku }, which the tool's
      // schema refuses (its code read input.code: undefined).
      expect(given).toEqual([{ code: 'A-7' }]);
      await next.close();
    },
  );
});
