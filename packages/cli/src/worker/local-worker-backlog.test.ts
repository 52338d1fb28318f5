import { createAgent, SqliteCheckpointer } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { LocalWorker } from './local-worker';

const reminder = setup({}).createMachine({
  id: 'reminder',
  initial: 'sleeping',
  states: { sleeping: { after: { 6000: 'reminded' } }, reminded: { type: 'final' } },
});

describe('LocalWorker with a backlog of due threads', () => {
  it('reads no more rows a look as it wakes them, and lists the running threads once a second, not once a thread', async () => {
    let now = 1_000_000;
    const clock = {
      now: () => now,
      setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
      clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
    };
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    const threads = 300;
    const before = createAgent({ machine: reminder, checkpointer, clock });
    await Promise.all(
      Array.from({ length: threads }, (_, index) =>
        before.run({ threadId: `r-${index}`, input: {} }),
      ),
    );
    await before.close();
    // The machine was off while every timer fell due.
    now += 6_000;
    const dueRowsRead: number[] = [];
    let runningListings = 0;
    const listDue = checkpointer.listDue.bind(checkpointer);
    checkpointer.listDue = async (options) => {
      const rows = await listDue(options);
      dueRowsRead.push(rows.length);
      return rows;
    };
    const listThreads = checkpointer.listThreads.bind(checkpointer);
    checkpointer.listThreads = async (options) => {
      if (options?.status === 'running') runningListings++;
      return listThreads(options);
    };
    let woken = 0;
    const worker = new LocalWorker({
      checkpointer,
      agents: new Map([['reminder', createAgent({ machine: reminder, checkpointer, clock })]]),
      concurrency: 2,
      now: () => now,
      monotonicNow: () => 0,
      onOutcome: () => woken++,
    });
    await worker.drain({ timeoutMs: 10_000 });
    await worker.close();
    expect(woken).toBe(threads);
    // Was: each look's limit grew by every thread woken so far, ended or not (a look read 200
    // rows here), and each look, one per freed slot, read the whole thread table for orphans.
    expect(Math.max(...dueRowsRead)).toBeLessThanOrEqual(100);
    expect(runningListings).toBe(1);
    checkpointer.close();
  });
});
