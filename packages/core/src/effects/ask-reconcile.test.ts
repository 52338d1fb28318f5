import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import { runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';
import type { ReconcileResult } from '../tools/types';
import { toolCall } from './tool-call';
import { toolLoop } from './tool-loop';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

/** An unsafe payment whose call never answers (20 ms timeout) and whose reconcile does `hook`. */
function payment(hook: () => Promise<ReconcileResult<{ id: string }>>) {
  const calls = { executed: 0 };
  const pay = defineTool({
    name: 'pay',
    description: 'Pays.',
    input: z.object({ cents: z.number() }),
    output: z.object({ id: z.string() }),
    effect: 'unsafe',
    approval: 'never',
    timeoutMs: 20,
    execute: () => {
      calls.executed++;
      return new Promise<never>(() => {});
    },
    reconcile: hook,
  });
  return { pay, calls };
}

describe("an unsafe tool's reconcile that cannot answer", () => {
  it('leaves a timed-out call ambiguous when it throws, never answers or answers nothing', async () => {
    const hooks: [() => Promise<unknown>, string][] = [
      [
        async () => {
          throw new Error('ledger API 503');
        },
        'and its reconcile() failed: ledger API 503',
      ],
      // Before: the run waited for it, as long as the API that had timed out hung.
      [() => new Promise<never>(() => {}), 'and its reconcile() did not answer within 20 ms'],
      [async () => undefined, 'and its reconcile() answered nothing, not a status it has'],
      [
        async () => ({ status: 'done' }),
        'and its reconcile() answered status the string "done", not a status it has',
      ],
    ];
    for (const [hook, said] of hooks) {
      const { pay } = payment(hook as () => Promise<ReconcileResult<{ id: string }>>);
      const { error } = await runEffect(toolCall(pay), { cents: 100 });
      expect(error).toMatchObject({
        code: 'effect.ambiguous',
        message: expect.stringContaining(`timeout and was abandoned, ${said};`),
      });
    }
  });

  it('advises what to do next, not to add the reconcile() hook the tool has', async () => {
    // Before: "Give the tool a reconcile() hook …", said of a tool whose hook answered unknown.
    const { pay } = payment(async () => ({ status: 'unknown' }));
    const { error } = await runEffect(toolCall(pay), { cents: 100 });
    const { message } = error as { message: string };
    expect(message).not.toContain('Give the tool a reconcile() hook');
    expect(message).toContain('Its reconcile() could not say whether it acted');
    expect(message).toContain('route this error to a human in the chart (onError)');
  });

  it('fails a tool loop for the chart when it throws, rather than telling the model', async () => {
    // Before: tool.failed, which the model read as the payment having failed, and paid again.
    const { pay, calls } = payment(async () => {
      throw new Error('ledger API 503');
    });
    const model = scriptedModel({
      handler: (_request, index) =>
        index < 2 ? { toolCalls: [{ name: 'pay', arguments: { cents: 100 } }] } : 'done',
    });
    const logic = toolLoop({ model: 'm', tools: [pay], prompt: (q: string) => q });
    const { error } = await runEffect(logic, 'pay a dollar', { models: { m: model } });
    expect(error).toMatchObject({ code: 'effect.ambiguous' });
    expect(calls.executed).toBe(1);
    expect(model.requests).toHaveLength(1);
  });

  it('records a call found unfinished after a crash as ambiguous when it throws', async () => {
    const checkpointer = stores.open();
    const agentOf = (execute: () => Promise<{ id: string }>, reconcileFails: boolean) => {
      const pay = defineTool({
        name: 'pay',
        description: 'Pays.',
        input: z.object({ cents: z.number() }),
        output: z.object({ id: z.string() }),
        effect: 'unsafe',
        approval: 'never',
        execute,
        reconcile: async () => {
          if (reconcileFails) throw new Error('ledger API 503');
          return { status: 'not_executed' };
        },
      });
      const model = scriptedModel({
        handler: (request) =>
          request.messages.at(-1)?.role === 'tool'
            ? 'paid'
            : { toolCalls: [{ name: 'pay', arguments: { cents: 100 } }] },
      });
      const machine = setup({
        actors: { work: toolLoop({ model: 'm', tools: [pay], prompt: () => 'Pay a dollar' }) },
      }).createMachine({
        id: 'payer',
        initial: 'working',
        states: {
          working: { invoke: { src: 'work', onDone: 'paid', onError: 'escalated' } },
          paid: { type: 'final' },
          escalated: { type: 'final' },
        },
      });
      return { agent: createAgent({ machine, models: { m: model }, checkpointer }), model };
    };
    // The first process starts the payment and dies while it is in flight.
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      started = resolve;
    });
    const first = agentOf(() => {
      started();
      return new Promise<never>(() => {});
    }, true);
    first.agent.start({ threadId: 't', input: undefined });
    await inFlight;
    let executed = 0;
    const next = agentOf(async () => {
      executed++;
      return { id: 'p2' };
    }, true);
    const outcome = await (await next.agent.resume('t', { force: true })).result();
    // Before: tool.failed went back to the model, which paid again.
    expect(outcome).toMatchObject({ status: 'done', output: undefined });
    expect((await next.agent.getCheckpoint('t'))?.snapshot).toMatchObject({ value: 'escalated' });
    expect(executed).toBe(0);
    expect(next.model.requests).toHaveLength(0);
    const paid = (await next.agent.journal('t')).find((entry) => entry.name === 'pay');
    expect(paid).toMatchObject({
      status: 'failed',
      error: {
        code: 'effect.ambiguous',
        message: expect.stringContaining(
          'was started before the process stopped, and its reconcile() failed: ledger API 503',
        ),
      },
    });
    await next.agent.close();
  });
});
