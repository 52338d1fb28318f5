/**
 * Issue 9 — a thread that ended at a limit, or stopped, was resumed into a stopped actor that
 * nothing could continue: `resume()` emitted `run.start` and its handle's result never came.
 * It now gives the outcome the thread ended with, as a resume of a done or failed one does.
 */
import { createAgent, MemoryCheckpointer, structuredCall } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';

/** Two structured calls in a row; the model may hold its second answer until told. */
function twoCalls() {
  return setup({
    actors: {
      ask: structuredCall({ model: 'm', schema: z.object({ n: z.number() }), prompt: () => 'n?' }),
    },
  }).createMachine({
    id: 'two-calls',
    initial: 'first',
    states: {
      first: { invoke: { src: 'ask', onDone: 'second' } },
      second: { invoke: { src: 'ask', onDone: 'done' } },
      done: { type: 'final' },
    },
  });
}

const answering = () => scriptedModel({ handler: () => JSON.stringify({ n: 1 }) });

describe('resuming a thread that has ended (issue 9)', () => {
  it('gives the limit a thread ended at, also to an agent with higher limits', async () => {
    const store = new MemoryCheckpointer();
    const machine = twoCalls();
    const limited = createAgent({
      machine,
      models: { m: answering() },
      checkpointer: store,
      limits: { maxModelCalls: 1 },
    });
    const ended = await limited.run({ threadId: 't', input: undefined });
    expect(ended).toMatchObject({ status: 'limit', limit: { limit: 'maxModelCalls' } });
    const model = answering();
    const roomier = createAgent({
      machine,
      models: { m: model },
      checkpointer: store,
      limits: { maxModelCalls: 5 },
    });
    const handle = await roomier.resume('t');
    expect(await handle.result()).toEqual(ended);
    expect(model.requests).toHaveLength(0);
    // Going on past the limit is a fork from a checkpoint before it.
    const history = await store.list('t');
    const before = history.filter((checkpoint) => checkpoint.status === 'running').at(-1)!;
    const fork = await roomier.fork({ from: 't', version: before.version });
    expect((await fork.result()).status).toBe('done');
    expect(model.requests.length).toBeGreaterThan(0);
    await roomier.close();
  });

  it('gives stopped for a thread that was stopped', async () => {
    const store = new MemoryCheckpointer();
    const machine = twoCalls();
    let answered = 0;
    // The second answer takes a minute: the run is stopped while it waits for it.
    const slow = scriptedModel({
      handler: (_request, index) => {
        answered = index + 1;
        return { json: { n: 1 }, ...(index === 1 ? { latencyMs: 60_000 } : {}) };
      },
    });
    const agent = createAgent({ machine, models: { m: slow }, checkpointer: store });
    const handle = agent.start({ threadId: 't', input: undefined });
    while (answered < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = await handle.stop();
    expect(stopped.status).toBe('stopped');
    expect((await store.latest('t'))?.run.status).toBe('stopped');
    const again = createAgent({ machine, models: { m: answering() }, checkpointer: store });
    const resumed = await again.resume('t');
    expect((await resumed.result()).status).toBe('stopped');
    await Promise.all([agent.close(), again.close()]);
  });
});

describe('resuming a thread that failed (issue 9)', () => {
  it('gives the error it failed with, not "[object Object]"', async () => {
    const store = new MemoryCheckpointer();
    const machine = setup({}).createMachine({
      id: 'throws',
      initial: 'working',
      states: {
        working: {
          entry: () => {
            throw new Error('the ledger is closed');
          },
        },
      },
    });
    const first = createAgent({ machine, checkpointer: store });
    const failed = await first.run({ threadId: 't', input: undefined });
    expect(failed).toMatchObject({ status: 'failed', error: { message: 'the ledger is closed' } });
    const again = createAgent({ machine, checkpointer: store });
    const resumed = await (await again.resume('t')).result();
    expect(resumed).toMatchObject({
      status: 'failed',
      error: {
        code: failed.status === 'failed' ? failed.error.code : '',
        message: 'the ledger is closed',
      },
    });
    await Promise.all([first.close(), again.close()]);
  });
});

describe('an ended thread resumed or sent to (issue 9)', () => {
  it('reports no run: no run.start or run.end for a thread that only gives its outcome again', async () => {
    const store = new MemoryCheckpointer();
    const machine = twoCalls();
    const first = createAgent({ machine, models: { m: answering() }, checkpointer: store });
    expect((await first.run({ threadId: 't', input: undefined })).status).toBe('done');
    const again = createAgent({ machine, models: { m: answering() }, checkpointer: store });
    const seen: string[] = [];
    again.events.on('run.start', ({ threadId }) => seen.push(`start ${threadId}`));
    again.events.on('run.end', ({ threadId }) => seen.push(`end ${threadId}`));
    expect((await (await again.resume('t')).result()).status).toBe('done');
    await expect(again.send('t', { type: 'human.reply', value: 'late' })).rejects.toMatchObject({
      code: 'run.not_waiting',
    });
    // Before: a start and an end for each, as if the thread had run again (a span each in a
    // trace, a run in the run log).
    expect(seen).toEqual([]);
    // A thread that runs still reports both.
    await again.run({ threadId: 'u', input: undefined });
    expect(seen).toEqual(['start u', 'end u']);
    await Promise.all([first.close(), again.close()]);
  });
});
