import { describe, expect, it } from 'vitest';
import { fromPromise, setup } from 'xstate';
import { createAgent } from '../agent/create-agent';
import { DefinitionError } from '../errors/definition-error';
import type { JournalEntry } from '../ledger/types';
import { checkpointerConformance } from '../testing/checkpointer-conformance';
import { checkpointAt } from '../testing/conformance/fixtures';
import { MemoryCheckpointer } from './memory-checkpointer';
import type { AcquireLeaseOptions } from './types';

function entryOf(key: string): JournalEntry {
  return {
    threadId: 't',
    key,
    site: 's',
    kind: 'tool',
    effect: 'idempotent',
    name: 'add',
    status: 'completed',
    startedAt: 1,
    output: { sum: 3 },
    meta: { agent: 'a' },
  };
}

describe('MemoryCheckpointer', () => {
  for (const { name, run } of checkpointerConformance({
    create: () => new MemoryCheckpointer(),
    saveWithLease: true,
    erase: true,
  })) {
    it(name, run);
  }

  it('puts the lease back when a checkpoint that took it is refused, as a transaction rolls back', async () => {
    const store = new MemoryCheckpointer();
    await store.save(checkpointAt('t', 1));
    // Version 1 again: refused after its take.
    await expect(
      store.saveWithLease(checkpointAt('t', 1, 'run-a'), [], { take: { ttlMs: 1_000, now: 5 } }),
    ).rejects.toMatchObject({ code: 'checkpoint.conflict' });
    expect(await store.getLease('t')).toBeUndefined();
    await store.acquireLease('t', { owner: 'run-b', ttlMs: 1_000, now: 5 });
    await expect(
      store.saveWithLease(checkpointAt('t', 1, 'run-b'), [], { take: { ttlMs: 2_000, now: 6 } }),
    ).rejects.toMatchObject({ code: 'checkpoint.conflict' });
    expect(await store.getLease('t')).toEqual({ threadId: 't', owner: 'run-b', expiresAt: 1_005 });
  });

  it("takes a run's lease through its own methods, so a subclass that refuses one refuses the write", async () => {
    class Unreachable extends MemoryCheckpointer {
      override async acquireLease(): Promise<never> {
        throw new Error('the server is down');
      }
    }
    const store = new Unreachable();
    await expect(
      store.saveWithLease(checkpointAt('t', 1, 'run-a'), [], { take: { ttlMs: 1_000, now: 5 } }),
    ).rejects.toThrow('the server is down');
    expect(await store.latest('t')).toBeUndefined();
  });

  it('leaves a lease another owner took meanwhile when a save that took the lease is refused', async () => {
    const store = new MemoryCheckpointer();
    const first = store.saveWithLease(checkpointAt('t', 1, 'run-a'), [], {
      take: { ttlMs: 1_000, now: 5 },
    });
    const forced = store.saveWithLease(checkpointAt('t', 1, 'run-b'), [], {
      take: { ttlMs: 1_000, now: 5, force: true },
    });
    await Promise.allSettled([first, forced]);
    const latest = (await store.latest('t'))!;
    // One of them stored version 1; the lease is its writer's, not gone with the other's undo.
    expect(await store.getLease('t')).toMatchObject({ owner: latest.owner, expiresAt: 1_005 });
  });

  it('stores a checkpoint whose lease release is refused, and does not fail the run that wrote it', async () => {
    class ReleaseDown extends MemoryCheckpointer {
      override async releaseLease(): Promise<void> {
        throw new Error('the server is down');
      }
    }
    const machine = setup({ actors: { work: fromPromise(async () => 1) } }).createMachine({
      id: 'release-down',
      initial: 'a',
      states: { a: { invoke: { src: 'work', onDone: 'b' } }, b: { type: 'final' } },
    });
    const checkpointer = new ReleaseDown();
    const agent = createAgent({ machine, checkpointer });
    const outcome = await agent.run({ threadId: 'r', input: 1 });
    expect(outcome.status).toBe('done');
    expect((await checkpointer.latest('r'))?.run.status).toBe('done');
    await agent.close();
  });

  it('keeps the lease of a forced start that won against a start whose take answered late', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    /** A memory store whose lease takes answer after a round trip, as a network store's do. */
    class SlowAnswerLeaseStore extends MemoryCheckpointer {
      override async acquireLease(threadId: string, options: AcquireLeaseOptions) {
        const lease = await super.acquireLease(threadId, options);
        await sleep(5);
        return lease;
      }
    }
    const machine = setup({ actors: { work: fromPromise(async () => sleep(400)) } }).createMachine({
      id: 'forced-race',
      initial: 'a',
      states: { a: { invoke: { src: 'work', onDone: 'b' } }, b: { type: 'final' } },
    });
    const checkpointer = new SlowAnswerLeaseStore();
    const first = createAgent({ machine, checkpointer, leaseTtlMs: 300 });
    const second = createAgent({ machine, checkpointer, leaseTtlMs: 300 });
    const plain = first.start({ threadId: 't', input: 1 });
    const forced = second.start({ threadId: 't', input: 1, force: true });
    const [lost, won] = await Promise.allSettled([plain.result(), forced.result()]);
    expect(lost.status).toBe('rejected');
    expect(won).toMatchObject({ status: 'fulfilled', value: { status: 'done' } });
    expect((await checkpointer.latest('t'))!.run.status).toBe('done');
    await Promise.all([first.close(), second.close()]);
  });

  it('keeps a journal entry as it was given, whatever the caller does to it or to a read', async () => {
    const store = new MemoryCheckpointer();
    const entry = entryOf('a');
    await store.putEffect(entry);
    (entry.output as { sum: number }).sum = 4;
    const read = (await store.getEffect('t', 'a'))!;
    (read.output as { sum: number }).sum = 5;
    read.meta!.agent = 'b';
    const [listed] = await store.listEffects('t');
    (listed!.output as { sum: number }).sum = 6;
    expect(await store.getEffect('t', 'a')).toEqual(entryOf('a'));
    expect((await store.listEffectLog())[0]?.agent).toBe('a');
  });

  it('refuses a journal entry JSON cannot carry, and stores nothing of it', async () => {
    const store = new MemoryCheckpointer();
    await expect(store.putEffect({ ...entryOf('a'), output: 1n })).rejects.toThrow(TypeError);
    expect(await store.listEffects('t')).toEqual([]);
  });

  it('refuses a retainCheckpoints that would keep no checkpoint, or is no whole number', () => {
    // With 0 (or -1) a run ended `done` and its thread was gone at once: nothing to resume,
    // read or fork. NaN kept everything, 1.5 and '3' were taken as they came.
    for (const retainCheckpoints of [0, -1, Number.NaN, 1.5, '3' as never]) {
      const made = () => new MemoryCheckpointer({ retainCheckpoints });
      expect(made).toThrow(DefinitionError);
      expect(made).toThrow(/retainCheckpoints .*Give a whole number of checkpoints/);
    }
    for (const retainCheckpoints of [1, 3, Number.POSITIVE_INFINITY]) {
      expect(() => new MemoryCheckpointer({ retainCheckpoints })).not.toThrow();
    }
  });

  it('keeps the latest checkpoint of a run whose store keeps one per thread', async () => {
    const store = new MemoryCheckpointer({ retainCheckpoints: 1 });
    const machine = setup({ actors: { step: fromPromise(async () => 1) } }).createMachine({
      initial: 'a',
      states: {
        a: { invoke: { src: 'step', onDone: 'b' } },
        b: { invoke: { src: 'step', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const outcome = await createAgent({ machine, checkpointer: store }).run({ input: {} });
    expect(outcome.status).toBe('done');
    const kept = await store.list(outcome.threadId);
    expect(kept).toHaveLength(1);
    expect(kept[0]?.status).toBe('done');
  });
});
