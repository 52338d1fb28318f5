import { createAgent, defineTool, SqliteCheckpointer, toolCall } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { LocalWorker } from './local-worker';

/** One machine's wall clock, shared by the service and the worker beside it. */
function wallClock(start: number) {
  const clock = {
    at: start,
    now: () => clock.at,
    setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
    clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  };
  return clock;
}

/** A chart whose one step is an unsafe send that holds until `release` is called. */
function sender() {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const sends: string[] = [];
  const send = defineTool({
    name: 'send',
    description: 'Sends the letter.',
    effect: 'unsafe',
    input: z.object({}),
    output: z.object({ sent: z.boolean() }),
    execute: async (_input, { idempotencyKey }) => {
      sends.push(idempotencyKey);
      await released;
      return { sent: true };
    },
  });
  const machine = setup({ actors: { send: toolCall(send) } }).createMachine({
    id: 'letters',
    initial: 'sending',
    states: {
      sending: { invoke: { src: 'send', input: {}, onDone: 'sent', onError: 'lost' } },
      sent: { type: 'final' },
      lost: { type: 'final' },
    },
  });
  return { machine, sends, release };
}

describe('LocalWorker after the wall clock stepped forward', () => {
  it('leaves a live run’s thread alone though its lease reads as expired', async () => {
    const clock = wallClock(1_000_000);
    let monotonic = 0;
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    const { machine, sends, release } = sender();
    // The service: its run is in the middle of an unsafe send, its lease live for 30 s.
    const service = createAgent({ machine, checkpointer, clock });
    const handle = service.start({ threadId: 'letter', input: {} });
    for (let turn = 0; turn < 50 && sends.length === 0; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(sends).toHaveLength(1);
    const woken: string[] = [];
    const worker = new LocalWorker({
      checkpointer,
      agents: new Map([['letters', createAgent({ machine, checkpointer, clock })]]),
      concurrency: 1,
      now: clock.now,
      monotonicNow: () => monotonic,
      onOutcome: (threadId, reason, outcome) =>
        woken.push(`${threadId} ${reason} ${outcome.status}`),
      onError: (threadId, error) => woken.push(`${threadId} ${String(error)}`),
    });
    // NTP steps the clock a minute forward (or the machine wakes from a suspend): the lease's
    // expiry is now in the past, before the service's heartbeat has had a beat to renew it.
    clock.at += 60_000;
    // Was: the worker took the thread as orphaned at this look, and the service's run, still
    // sending, was fenced off (checkpoint.conflict) while the worker's found its send unfinished.
    expect(await worker.tick()).toBe(0);
    monotonic += 5_000;
    expect(await worker.tick()).toBe(0);
    release();
    expect((await handle.result()).status).toBe('done');
    expect(sends).toHaveLength(1);
    await service.close();
    await worker.close();
    expect(woken).toEqual([]);
    checkpointer.close();
  });

  it('takes a thread whose lease it saw lapse on its own clock, and one first seen lapsed once it stood still', async () => {
    const clock = wallClock(1_000_000);
    let monotonic = 0;
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    const held = sender();
    const dead = createAgent({ machine: held.machine, checkpointer, clock });
    // Two services frozen mid-send (their heartbeats never beat again: as good as dead).
    const first = dead.start({ threadId: 'seen-live', input: {} });
    const second = dead.start({ threadId: 'seen-lapsed', input: {} });
    for (let turn = 0; turn < 50 && held.sends.length < 2; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const { machine } = sender();
    const woken: string[] = [];
    const worker = new LocalWorker({
      checkpointer,
      agents: new Map([['letters', createAgent({ machine, checkpointer, clock })]]),
      concurrency: 2,
      now: clock.now,
      monotonicNow: () => monotonic,
      onOutcome: (threadId, reason, outcome) =>
        woken.push(`${threadId} ${reason} ${outcome.status}`),
    });
    // The worker sees one lease while it is live…
    const spy = checkpointer.listThreads.bind(checkpointer);
    checkpointer.listThreads = async (options) =>
      (await spy(options)).filter((thread) => thread.threadId !== 'seen-lapsed');
    expect(await worker.tick()).toBe(0);
    checkpointer.listThreads = spy;
    // …and both once 31 s have passed on both clocks: the one it saw live is taken at once.
    clock.at += 31_000;
    monotonic += 31_000;
    expect(await worker.tick()).toBe(1);
    await worker.idle({ timeoutMs: 10_000 });
    // The other, first seen lapsed, once it has stood still for the grace (15 s).
    monotonic += 14_000;
    expect(await worker.tick()).toBe(0);
    monotonic += 1_000;
    expect(await worker.tick()).toBe(1);
    await worker.idle({ timeoutMs: 10_000 });
    await worker.close();
    // Found with its send unfinished and no reconcile: the chart's error path, sent once.
    expect(woken).toEqual(['seen-live orphaned done', 'seen-lapsed orphaned done']);
    held.release();
    await Promise.allSettled([first.result(), second.result()]);
    await dead.close();
    checkpointer.close();
  });

  it('waits in a one-off drain (--once) for a lease first seen expired to stand still, then takes it', async () => {
    const clock = wallClock(1_000_000);
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    const held = sender();
    const dead = createAgent({ machine: held.machine, checkpointer, clock });
    const frozen = dead.start({ threadId: 'frozen', input: {} });
    for (let turn = 0; turn < 50 && held.sends.length === 0; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const { machine } = sender();
    const woken: string[] = [];
    const worker = new LocalWorker({
      checkpointer,
      agents: new Map([['letters', createAgent({ machine, checkpointer, clock })]]),
      concurrency: 1,
      now: clock.now,
      leaseGraceMs: 50,
      onOutcome: (threadId, reason, outcome) =>
        woken.push(`${threadId} ${reason} ${outcome.status}`),
    });
    clock.at += 31_000;
    await worker.drain({ timeoutMs: 5_000 });
    await worker.close();
    expect(woken).toEqual(['frozen orphaned done']);
    held.release();
    await frozen.result().catch(() => undefined);
    await dead.close();
    checkpointer.close();
  });
});
