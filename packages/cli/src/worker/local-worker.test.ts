import { createAgent, SqliteCheckpointer } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { LocalWorker } from './local-worker';

/** A reminder that sleeps 6 s; `renamed` is the next deploy's chart, without a migrate. */
function reminder(renamed: boolean) {
  const sleeping = renamed ? 'napping' : 'sleeping';
  return setup({}).createMachine({
    id: 'reminder',
    initial: sleeping,
    states: { [sleeping]: { after: { 6000: 'reminded' } }, reminded: { type: 'final' } },
  });
}

describe('LocalWorker', () => {
  it('does not let threads it cannot wake hold back the due threads behind them', async () => {
    let now = 1_000_000;
    const clock = {
      now: () => now,
      setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
      clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
    };
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    // Three threads of the old chart, due first, that the new deploy cannot restore
    // (`checkpoint.version_mismatch`), then one of the new chart.
    const old = createAgent({ machine: reminder(false), checkpointer, clock });
    for (const threadId of ['old-1', 'old-2', 'old-3']) {
      expect((await old.run({ threadId, input: {} })).status).toBe('waiting');
    }
    await old.close();
    now += 1;
    const agent = createAgent({ machine: reminder(true), checkpointer, clock, evictWaiting: true });
    expect((await agent.run({ threadId: 'new', input: {} })).status).toBe('waiting');
    const woken: string[] = [];
    const errors: string[] = [];
    const worker = new LocalWorker({
      checkpointer,
      agents: new Map([['reminder', agent]]),
      concurrency: 2,
      now: () => now,
      monotonicNow: () => now,
      onOutcome: (threadId, _reason, outcome) => woken.push(`${threadId} ${outcome.status}`),
      onError: (threadId) => errors.push(threadId),
    });
    now += 6_000;
    // Was: every look woke the two oldest again, failed them again, and never reached "new".
    for (let look = 0; look < 4 && !woken.includes('new done'); look++) {
      await worker.tick();
      await worker.idle({ timeoutMs: 10_000 });
      now += 1_000;
    }
    await worker.close();
    expect(woken).toEqual(['new done']);
    // Each one tried once, not at every look.
    expect(errors.sort()).toEqual(['old-1', 'old-2', 'old-3']);
    checkpointer.close();
  });

  it('tries a thread whose wake failed again after its delay, though the wall clock stepped back a day', async () => {
    let now = 1_000_000;
    let monotonic = 0;
    const clock = {
      now: () => now,
      setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
      clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
    };
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    // A thread of the old chart, due in 6 s, that the new deploy cannot restore.
    const old = createAgent({ machine: reminder(false), checkpointer, clock });
    expect((await old.run({ threadId: 'old', input: {} })).status).toBe('waiting');
    await old.close();
    const agent = createAgent({ machine: reminder(true), checkpointer, clock });
    const errors: string[] = [];
    const worker = new LocalWorker({
      checkpointer,
      agents: new Map([['reminder', agent]]),
      concurrency: 1,
      now: () => now,
      monotonicNow: () => monotonic,
      onError: (threadId) => errors.push(threadId),
    });
    const look = async () => {
      await worker.tick();
      await worker.idle({ timeoutMs: 10_000 });
    };
    // The wall clock is a day fast: the wake fails, and the thread is left alone for 5 s.
    now += 86_400_000;
    await look();
    expect(errors).toEqual(['old']);
    monotonic += 1_000;
    await look();
    expect(errors).toEqual(['old']);
    // Corrected a day back (the thread is still due), 6 s after the failure: tried again.
    // Before, it was left alone until the wall clock came back to a day fast: a day.
    now -= 86_400_000 - 10_000;
    monotonic += 5_000;
    await look();
    expect(errors).toEqual(['old', 'old']);
    await worker.close();
    checkpointer.close();
  });

  it('looks again as soon as a thread comes to rest when its last look found more than it had room for', async () => {
    let now = 1_000_000;
    const clock = {
      now: () => now,
      setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
      clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
    };
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    const agent = createAgent({
      machine: reminder(false),
      checkpointer,
      clock,
      evictWaiting: true,
    });
    const threadIds = ['r-1', 'r-2', 'r-3', 'r-4', 'r-5'];
    for (const threadId of threadIds) {
      expect((await agent.run({ threadId, input: {} })).status).toBe('waiting');
    }
    const woken: string[] = [];
    let allWoken: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      allWoken = resolve;
    });
    const worker = new LocalWorker({
      checkpointer,
      agents: new Map([['reminder', agent]]),
      concurrency: 1,
      now: () => now,
      onOutcome: (threadId, _reason, outcome) => {
        woken.push(`${threadId} ${outcome.status}`);
        if (woken.length === threadIds.length) allWoken();
      },
    });
    now += 6_000;
    // Looks an hour apart: was one thread woken per look, the four others an hour late each.
    worker.start(3_600_000);
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    await worker.close();
    expect(woken).toEqual(threadIds.map((threadId) => `${threadId} done`));
    checkpointer.close();
  });
});
