import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import type { RunOutcome } from '../run/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import { type ScriptedResponse, scriptedModel } from '../testing/scripted-model';
import { agentActor } from './agent-actor';
import { humanWait } from './human-wait';
import { structuredCall } from './structured-call';

const counted = z.object({ calls: z.number() });

/** A child agent that makes `calls` model calls one after the other, then waits for a person when `ask`. */
function worker(id: string, calls: number, { ask = false } = {}) {
  return setup({
    types: { context: {} as { calls: number } },
    actors: {
      step: structuredCall({
        model: 'fast',
        schema: z.object({ ok: z.boolean() }),
        prompt: (call: number) => `${id} call ${call}`,
        maxOutputTokens: 10,
      }),
      ask: humanWait({ prompt: () => `${id}: go on?`, reply: z.boolean() }),
    },
  }).createMachine({
    id,
    context: { calls: 0 },
    initial: 'working',
    states: {
      working: {
        invoke: {
          src: 'step',
          input: ({ context }) => context.calls,
          onDone: [
            {
              guard: ({ context }) => context.calls + 1 < calls,
              target: 'working',
              reenter: true,
              actions: assign({ calls: ({ context }) => context.calls + 1 }),
            },
            {
              target: ask ? 'asking' : 'done',
              actions: assign({ calls: ({ context }) => context.calls + 1 }),
            },
          ],
        },
      },
      asking: { invoke: { src: 'ask', onDone: 'done' } },
      done: { type: 'final' },
    },
    output: ({ context }) => ({ calls: context.calls }),
  });
}

/** A parent that runs its workers side by side (a parallel state) and collects their results. */
function fanOut(workers: ReturnType<typeof worker>[]) {
  const actors = Object.fromEntries(
    workers.map((machine) => [
      machine.id,
      agentActor({ machine, input: z.object({}), output: counted }),
    ]),
  );
  return setup({
    types: { context: {} as { results: Record<string, unknown> } },
    actors,
  }).createMachine({
    id: 'lead',
    context: { results: {} },
    initial: 'delegating',
    states: {
      delegating: {
        type: 'parallel',
        states: Object.fromEntries(
          workers.map(({ id }) => [
            id,
            {
              initial: 'running',
              states: {
                running: {
                  invoke: {
                    src: id,
                    input: {},
                    onDone: {
                      target: 'finished',
                      actions: assign({
                        results: ({ context, event }) => ({
                          ...context.results,
                          [id]: (event as { output: unknown }).output,
                        }),
                      }),
                    },
                  },
                },
                finished: { type: 'final' },
              },
            },
          ]),
        ),
        onDone: 'done',
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context.results,
  });
}

const answer: ScriptedResponse = {
  json: { ok: true },
  usage: { inputTokens: 100, outputTokens: 10 },
  latencyMs: 5,
};

describe('agentActor: a family of agents', () => {
  it("keeps children running side by side within the parent's maxModelCalls together", async () => {
    const fast = scriptedModel({ handler: () => answer });
    const agent = createAgent({
      machine: fanOut([worker('a', 3), worker('b', 3), worker('c', 3)]),
      models: { fast },
      checkpointer: new MemoryCheckpointer(),
      limits: { maxModelCalls: 4 },
    });
    const outcome = await agent.run({ threadId: 'lead', input: undefined });
    // Each child used to get the 4 calls the parent had left when it started: 9 were paid.
    expect(fast.requests).toHaveLength(4);
    expect(outcome.usage.modelCalls).toBe(4);
    await agent.close();
  });

  it("keeps children running side by side within the parent's maxCostUsd together", async () => {
    const fast = scriptedModel({ handler: () => answer });
    // Only output is priced: a call's 10 output tokens cost $0.1, what its cap projects. Three
    // calls fit in $0.35, a fourth does not.
    const agent = createAgent({
      machine: fanOut([worker('a', 3), worker('b', 3)]),
      models: { fast },
      checkpointer: new MemoryCheckpointer(),
      prices: { scripted: { inputPerMillion: 0, outputPerMillion: 10_000 } },
      limits: { maxCostUsd: 0.35 },
    });
    const outcome = await agent.run({ threadId: 'lead', input: undefined });
    expect(fast.requests).toHaveLength(3);
    expect(outcome.usage.costUsd).toBeCloseTo(0.3, 10);
  });

  it('counts once a child that ended by itself just before its parent ended at the limit', async () => {
    const fast = scriptedModel({ handler: () => answer });
    // Both children are refused their fourth call at once and end; the first one's record
    // takes the parent to its limit while the second one's is being written.
    const agent = createAgent({
      machine: fanOut([worker('a', 5), worker('b', 5)]),
      models: { fast },
      checkpointer: new SqliteCheckpointer({ path: ':memory:' }),
      limits: { maxModelCalls: 6 },
    });
    const outcome = await agent.run({ threadId: 'lead', input: undefined });
    expect(fast.requests).toHaveLength(6);
    // Counted once: 6 calls, not 9.
    expect(outcome.usage).toMatchObject({ modelCalls: 6, inputTokens: 600 });
    // Which child's record lands first decides whether the parent still has a step to end at
    // its limit in (b's first: the last completion takes it to its final state, `done`, as when
    // one child is refused; see "tells a child refused…"). Both children ended at the limit.
    expect(['limit', 'done']).toContain(outcome.status);
    if (outcome.status === 'done') {
      expect(outcome.output).toMatchObject({ a: { status: 'limit' }, b: { status: 'limit' } });
    }
    await agent.close();
  });

  it("tells a child refused by its parent's limit whose limit it was", async () => {
    const fast = scriptedModel({ handler: () => answer });
    const agent = createAgent({
      machine: fanOut([worker('a', 3)]),
      models: { fast },
      checkpointer: new MemoryCheckpointer(),
      limits: { maxModelCalls: 2 },
    });
    const outcome = await agent.run({ threadId: 'lead', input: undefined });
    expect(outcome).toMatchObject({
      status: 'done',
      output: {
        a: {
          status: 'limit',
          limit: { limit: 'maxModelCalls', value: 3, max: 2, familyThreadId: 'lead' },
        },
      },
    });
  });

  it("counts a child stopped with its parent in the parent's usage, before and after a restore", async () => {
    const checkpointer = new MemoryCheckpointer();
    // b's second call never answers: the parent is stopped while b waits on it.
    const fast = scriptedModel({
      handler: (request) =>
        request.messages.some((message) => message.content.includes('b call 1'))
          ? { ...answer, latencyMs: 600_000 }
          : answer,
    });
    const agent = createAgent({
      machine: fanOut([worker('a', 1), worker('b', 3)]),
      models: { fast },
      checkpointer,
    });
    const handle = agent.start({ threadId: 'lead', input: undefined });
    const ends: Record<string, RunOutcome['status']> = {};
    agent.events.on('run.end', ({ threadId, status }) => {
      ends[threadId] = status;
    });
    for (let turn = 0; turn < 200 && fast.requests.length < 3; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(fast.requests).toHaveLength(3);
    const stopped = await handle.stop();
    // a's call and b's first were paid; b's second was cut short.
    expect(stopped).toMatchObject({ status: 'stopped', usage: { modelCalls: 2 } });
    expect((await checkpointer.latest('lead'))?.run.usage).toMatchObject({ modelCalls: 2 });
    await agent.close();
    // Resumed, the ended thread folds its journal again: the same figures.
    const again = createAgent({
      machine: fanOut([worker('a', 1), worker('b', 3)]),
      checkpointer,
      models: { fast },
    });
    const resumed = await (await again.resume('lead')).result();
    expect(resumed).toMatchObject({
      status: 'stopped',
      usage: { modelCalls: 2, inputTokens: 200 },
    });
    await again.close();
  });

  it('goes on with a child handed back with its parent by close(), not as stopped', async () => {
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    const fast = scriptedModel({ handler: () => ({ ...answer, latencyMs: 20 }) });
    const first = createAgent({
      machine: fanOut([worker('a', 3)]),
      models: { fast },
      checkpointer,
    });
    const handle = first.start({ threadId: 'lead', input: undefined });
    for (let turn = 0; turn < 200 && fast.requests.length < 2; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await first.close({ timeoutMs: 0 });
    expect(await handle.result()).toMatchObject({ status: 'stopped', handedBack: true });
    // The process lives on a moment (a host finishing its shutdown): nothing more is written.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await checkpointer.listEffects('lead')).map((entry) => entry.status)).toEqual([
      'started',
    ]);
    // Another process resumes the parent: the child goes on from its own checkpoint.
    const second = createAgent({
      machine: fanOut([worker('a', 3)]),
      models: { fast },
      checkpointer,
    });
    const done = await (await second.resume('lead')).result();
    expect(done).toMatchObject({
      status: 'done',
      output: { a: { status: 'done', output: { calls: 3 } } },
      usage: { modelCalls: 3 },
    });
    await second.close();
  });

  it('reports the spend of a child waiting for a person in the waiting parent', async () => {
    const fast = scriptedModel({ handler: () => answer });
    const agent = createAgent({
      machine: fanOut([worker('a', 2, { ask: true })]),
      models: { fast },
      checkpointer: new MemoryCheckpointer(),
    });
    const waiting = await agent.run({ threadId: 'lead', input: undefined });
    expect(waiting).toMatchObject({
      status: 'waiting',
      usage: { modelCalls: 2, inputTokens: 200, outputTokens: 20 },
    });
    const handle = await agent.send('lead', { type: 'human.reply', value: true });
    const done = await handle.result();
    expect(done).toMatchObject({ status: 'done', usage: { modelCalls: 2, inputTokens: 200 } });
    await agent.close();
  });
});
