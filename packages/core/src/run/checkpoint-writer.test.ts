import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assign, fromPromise, type PromiseActorLogic, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { toolCall } from '../effects/tool-call';
import type { JournalEntry } from '../ledger/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import type { Checkpoint, Checkpointer, PutEffectOptions } from '../store/types';
import { defineTool } from '../tools/define-tool';
import { CheckpointWriter } from './checkpoint-writer';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function result(key: string): JournalEntry {
  return {
    threadId: 't',
    key,
    site: 's',
    kind: 'tool',
    effect: 'pure',
    name: 'work',
    status: 'completed',
    startedAt: 1,
    finishedAt: 2,
    output: key,
  };
}

/** An in-memory store that logs every write it gets, in order. */
function loggingStore({
  withJournal = true,
  withPutEffects = false,
  inner = new MemoryCheckpointer(),
}: {
  withJournal?: boolean;
  withPutEffects?: boolean;
  inner?: MemoryCheckpointer | SqliteCheckpointer;
} = {}) {
  const writes: string[] = [];
  const store: Checkpointer = {
    latest: (threadId) => inner.latest(threadId),
    get: (threadId, version) => inner.get(threadId, version),
    list: (threadId) => inner.list(threadId),
    getEffect: (threadId, key) => {
      writes.push(`read ${key}`);
      return inner.getEffect(threadId, key);
    },
    listEffects: (threadId) => inner.listEffects(threadId),
    acquireLease: (threadId, options) => inner.acquireLease(threadId, options),
    renewLease: (threadId, options) => inner.renewLease(threadId, options),
    releaseLease: (threadId, owner) => inner.releaseLease(threadId, owner),
    getLease: (threadId) => inner.getLease(threadId),
    save: (checkpoint) => {
      writes.push(`save ${checkpoint.version}`);
      return inner.save(checkpoint);
    },
    putEffect: (entry, options) => {
      writes.push(`put ${entry.key} ${entry.status}`);
      return inner.putEffect(entry, options);
    },
    ...(withPutEffects
      ? {
          // One write in the log; stored one by one (the memory store has no putEffects).
          putEffects: async (entries: readonly JournalEntry[], options?: PutEffectOptions) => {
            writes.push(`put ${entries.map((entry) => `${entry.key} ${entry.status}`)}`);
            for (const entry of entries) await inner.putEffect(entry, options);
          },
        }
      : {}),
    ...(withJournal
      ? {
          saveWithJournal: (checkpoint: Checkpoint, journal: readonly JournalEntry[]) => {
            writes.push(`save ${checkpoint.version} with ${journal.map((entry) => entry.key)}`);
            return inner.saveWithJournal(checkpoint, journal);
          },
        }
      : {}),
  };
  return { store, writes };
}

/**
 * Takes thread "t" for the writer's owner, as a run holds its thread before it writes its
 * journal: a store refuses a run's journal write to a thread it has no lease or checkpoint of.
 */
function leaseFor(store: Checkpointer) {
  return store.acquireLease('t', { owner: 'o', ttlMs: 60_000, now: 0 });
}

function writerOn(store: Checkpointer) {
  let state = 0;
  return {
    writer: new CheckpointWriter({
      checkpointer: store,
      build: (version) => ({
        threadId: 't',
        version,
        machineVersion: 'm',
        snapshot: { state: state++ },
        run: {
          status: 'running',
          input: undefined,
          startedAt: 0,
          occurrences: {},
          usage: {
            inputTokens: 0,
            outputTokens: 0,
            costUsd: 0,
            modelCalls: 0,
            toolCalls: 0,
            steps: 0,
          },
        },
        delayedEvents: [],
        createdAt: 0,
        owner: 'o',
      }),
      onWritten: () => {},
      onFailure: (error) => {
        throw error;
      },
      version: 0,
      owner: 'o',
    }),
  };
}

/** A tool call that adds one, its tool of `effect`, calling `onRun` as it runs. */
function incrementCall(effect: 'pure' | 'idempotent', onRun = () => {}) {
  return toolCall(
    defineTool({
      name: 'increment',
      description: 'Adds one.',
      input: z.number(),
      output: z.number(),
      effect,
      execute: async (count: number) => {
        onRun();
        return count + 1;
      },
    }),
  );
}

/** `steps` states in a row, each invoking `increment` with the count and keeping its output. */
function countingChain(increment: PromiseActorLogic<number, number>, steps: number) {
  const states: Record<string, object> = { done: { type: 'final' } };
  for (let index = 0; index < steps; index++) {
    states[`s${index}`] = {
      invoke: {
        src: 'increment',
        input: ({ context }: { context: { count: number } }) => context.count,
        onDone: { target: index + 1 < steps ? `s${index + 1}` : 'done', actions: 'record' },
      },
    };
  }
  return setup({
    types: { context: {} as { count: number } },
    actors: { increment },
    actions: {
      record: assign({ count: ({ event }) => (event as unknown as { output: number }).output }),
    },
  }).createMachine({ id: 'chain', context: { count: 0 }, initial: 's0', states });
}

describe('CheckpointWriter', () => {
  it('writes the results held back with the next checkpoint, in one write', async () => {
    const { store, writes } = loggingStore();
    const { writer } = writerOn(store);
    writer.deferJournal(result('a'));
    writer.deferJournal(result('b'));
    writer.request();
    await writer.flush();
    await nextTurn();
    expect(writes).toEqual(['save 1 with a,b']);
  });

  it('holds a result for the checkpoint already waiting for the end of the turn, with no end-of-turn write of its own', async () => {
    const { store, writes } = loggingStore();
    const { writer } = writerOn(store);
    writer.request();
    const scheduled: unknown[] = [];
    const setImmediateBefore = globalThis.setImmediate;
    globalThis.setImmediate = ((callback: () => void) => {
      scheduled.push(callback);
      return setImmediateBefore(callback);
    }) as typeof setImmediate;
    try {
      writer.deferJournal(result('a'));
      writer.deferJournal(result('b'));
    } finally {
      globalThis.setImmediate = setImmediateBefore;
    }
    expect(scheduled).toEqual([]);
    await writer.flush();
    await nextTurn();
    expect(writes).toEqual(['save 1 with a,b']);
  });

  it('writes a held result on its own when no checkpoint is asked for within the turn', async () => {
    const { store, writes } = loggingStore();
    await leaseFor(store);
    const { writer } = writerOn(store);
    writer.deferJournal(result('a'));
    expect(writes).toEqual([]);
    await nextTurn();
    await writer.flush();
    expect(writes).toEqual(['put a completed']);
  });

  it('writes the held results before an intent, all issued at once', async () => {
    const { store, writes } = loggingStore();
    await leaseFor(store);
    const { writer } = writerOn(store);
    writer.deferJournal(result('a'));
    await writer.writeJournal({ ...result('b'), status: 'started' });
    expect(writes).toEqual(['put a completed', 'put b started']);
    await nextTurn();
    expect(writes).toHaveLength(2);
  });

  it('writes an intent and the results held before it in one write, where the store can', async () => {
    const { store, writes } = loggingStore({ withPutEffects: true });
    await leaseFor(store);
    const { writer } = writerOn(store);
    writer.deferJournal(result('a'));
    await writer.writeJournal({ ...result('b'), status: 'started' });
    expect(writes).toEqual(['put a completed,b started']);
    // Alone, an intent is one write of its own.
    await writer.writeJournal({ ...result('c'), status: 'started' });
    expect(writes).toEqual(['put a completed,b started', 'put c started']);
  });

  it('writes the results no checkpoint took in one write at the end of the turn, where the store can', async () => {
    const { store, writes } = loggingStore({ withPutEffects: true });
    await leaseFor(store);
    const { writer } = writerOn(store);
    writer.deferJournal(result('a'));
    writer.deferJournal(result('b'));
    await nextTurn();
    await writer.flush();
    expect(writes).toEqual(['put a completed,b completed']);
  });

  it("builds a new thread's first checkpoint at the end of the turn, like any other", async () => {
    const { store, writes } = loggingStore();
    const { writer } = writerOn(store);
    writer.request();
    for (let tick = 0; tick < 20; tick++) await Promise.resolve();
    expect(writes).toEqual([]);
    await writer.flush();
    expect(writes).toEqual(['save 1']);
  });

  it('builds a checkpoint at once when hurried, asked for before or after', async () => {
    for (const hurryFirst of [false, true]) {
      const { store, writes } = loggingStore();
      const { writer } = writerOn(store);
      let turnEnded = false;
      setImmediate(() => {
        turnEnded = true;
      });
      if (hurryFirst) writer.hurry();
      writer.request();
      if (!hurryFirst) writer.hurry();
      await writer.flush();
      expect({ hurryFirst, writes, turnEnded }).toEqual({
        hurryFirst,
        writes: ['save 1'],
        turnEnded: false,
      });
    }
  });

  it('leaves the next checkpoint to the end of the turn when hurried after one was built', async () => {
    const { store, writes } = loggingStore();
    const { writer } = writerOn(store);
    writer.request();
    writer.hurry();
    await writer.flush();
    writer.hurry();
    writer.request();
    for (let tick = 0; tick < 20; tick++) await Promise.resolve();
    expect(writes).toEqual(['save 1']);
    await writer.flush();
    expect(writes).toEqual(['save 1', 'save 2']);
  });

  it('writes the results a failing intent write took with the checkpoint of the state they led to (a connection lost under it)', async () => {
    const inner = new MemoryCheckpointer();
    const { store, writes } = loggingStore({ inner, withPutEffects: true });
    // The write of an intent and the results held before it fails a moment later, as on a
    // PostgreSQL connection the server drops; the checkpoint's write, on another, succeeds.
    store.putEffects = async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('Connection terminated unexpectedly');
    };
    const { writer } = writerOn(store);
    writer.deferJournal(result('a'));
    // The macrostep `a` led to asks for its checkpoint; the effect it started writes its intent.
    writer.request();
    const intent = writer.writeJournal({ ...result('b'), status: 'started' });
    await writer.flush();
    await expect(intent).rejects.toThrow('Connection terminated');
    // Resumed from this checkpoint, the run never makes step `a` again: its result is stored.
    expect(writes).toEqual(['save 1 with a']);
    expect((await inner.latest('t'))?.version).toBe(1);
    expect((await inner.listEffects('t')).map((entry) => entry.key)).toEqual(['a']);
  });

  it('still writes the held results when the checkpoint they wait for cannot be built', async () => {
    const { store, writes } = loggingStore();
    const failures: unknown[] = [];
    const writer = new CheckpointWriter({
      checkpointer: store,
      build: () => {
        throw new TypeError('not storable');
      },
      onWritten: () => {},
      onFailure: (error) => failures.push(error),
      version: 1,
      owner: 'o',
    });
    writer.deferJournal(result('r1'));
    writer.request();
    await expect(writer.flush()).rejects.toThrow('not storable');
    // Before: dropped with the checkpoint; a resume did that step (paid for it) again.
    expect(writes).toEqual(['put r1 completed']);
    expect(failures).toHaveLength(1);
  });

  it('records each held result, then the checkpoint, on a store without saveWithJournal', async () => {
    const { store, writes } = loggingStore({ withJournal: false });
    await leaseFor(store);
    const { writer } = writerOn(store);
    writer.deferJournal(result('a'));
    writer.request();
    await writer.flush();
    expect(writes).toEqual(['put a completed', 'save 1']);
  });
});

describe("a new thread's first checkpoint", () => {
  it('is written with the steps a run takes within its first turn', async () => {
    const increment = fromPromise(async ({ input }: { input: number }) => input + 1);
    const { store, writes } = loggingStore();
    const outcome = await createAgent({
      machine: countingChain(increment, 2),
      checkpointer: store,
    }).run({
      threadId: 't',
      input: undefined,
    });
    expect(outcome.status).toBe('done');
    expect(writes).toEqual(['save 1']);
  });

  it('is built at once when an effect waits for it: the effect waits for no turn', async () => {
    let turnEnded = false;
    let turnEndedWhenRun: boolean | undefined;
    const increment = incrementCall('idempotent', () => {
      turnEndedWhenRun ??= turnEnded;
    });
    const { store, writes } = loggingStore();
    setImmediate(() => {
      turnEnded = true;
    });
    const outcome = await createAgent({
      machine: countingChain(increment, 1),
      checkpointer: store,
    }).run({
      threadId: 't',
      input: undefined,
    });
    expect(outcome.status).toBe('done');
    expect(turnEndedWhenRun).toBe(false);
    expect(writes[0]).toBe('save 1');
  });
});

describe('a run on a store with saveWithJournal', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it.each([
    ['in memory', () => new MemoryCheckpointer()],
    [
      'on SQLite, whose writes resolve a commit later (issue 11)',
      () => {
        dir = mkdtempSync(join(tmpdir(), 'agentchart-writer-'));
        return new SqliteCheckpointer({ path: join(dir, 'runs.db') });
      },
    ],
  ])(
    "pays one write per macrostep, its tool's result included, and reads no journal of a thread it created — %s",
    async (_, open) => {
      const machine = countingChain(incrementCall('pure'), 3);
      const inner = open();
      const { store, writes } = loggingStore({ inner });
      const outcome = await createAgent({ machine, checkpointer: store }).run({
        threadId: 't',
        input: undefined,
      });
      expect(outcome.status).toBe('done');
      const saves = writes.filter((write) => write.startsWith('save'));
      expect(writes.filter((write) => write.startsWith('put'))).toEqual([]);
      // Every tool result went to the store inside a checkpoint's write.
      const results = saves.flatMap((write) => write.split(' with ')[1]?.split(',') ?? []);
      expect(results).toHaveLength(3);
      // The first step may read before the thread exists; no step reads after.
      expect(writes.filter((write) => write.startsWith('read')).length).toBeLessThanOrEqual(1);
      if (inner instanceof SqliteCheckpointer) inner.close();
    },
  );
});
