import { CheckpointError, createAgent, humanWait } from '@agentchart/core';
import type { Checkpoint, JournalEntry } from '@agentchart/core/internal';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { PostgresCheckpointer } from './postgres-checkpointer';
import { startThrowawayPostgres, type ThrowawayPostgres } from './testing/throwaway-postgres';

let server: ThrowawayPostgres | undefined;
const opened: PostgresCheckpointer[] = [];

beforeAll(async () => {
  server = await startThrowawayPostgres();
});

afterAll(async () => {
  try {
    await Promise.all(opened.map((checkpointer) => checkpointer.close()));
  } finally {
    server?.stop();
  }
});

/** A checkpointer on the throwaway server, closed after the file's tests. */
function open(schema?: string): PostgresCheckpointer {
  if (!server) throw new Error('the throwaway PostgreSQL did not start');
  const checkpointer = new PostgresCheckpointer({
    connectionString: server.connectionString,
    ...(schema ? { schema } : {}),
  });
  opened.push(checkpointer);
  return checkpointer;
}

function checkpoint(threadId: string, version: number, owner?: string): Checkpoint {
  return {
    threadId,
    version,
    machineVersion: 'm1',
    snapshot: { status: 'active', value: 'working', context: { step: version } },
    run: {
      status: version === 3 ? 'waiting' : 'running',
      input: { text: 'hi' },
      startedAt: 1,
      occurrences: { 'a.b': version },
      usage: {
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        modelCalls: 0,
        toolCalls: 0,
        steps: version,
      },
    },
    createdAt: 1_700_000_000_000 + version,
    ...(owner ? { owner } : {}),
  };
}

function effect(threadId: string, key: string, status: JournalEntry['status']): JournalEntry {
  return {
    threadId,
    key,
    site: 'step',
    kind: 'tool',
    effect: 'unsafe',
    name: 'pay',
    status,
    startedAt: 5,
    ...(status === 'completed' ? { finishedAt: 6, output: { ok: true } } : {}),
  };
}

describe('PostgresCheckpointer', () => {
  it('saves, lists and reads checkpoints back as they were written', async () => {
    const store = open();
    expect(await store.latest('t1')).toBeUndefined();
    for (const version of [1, 2, 3]) {
      const result = await store.save(checkpoint('t1', version));
      expect(result.bytes).toBeGreaterThan(100);
    }
    expect(await store.latest('t1')).toEqual(checkpoint('t1', 3));
    expect(await store.get('t1', 2)).toEqual(checkpoint('t1', 2));
    expect(await store.get('t1', 9)).toBeUndefined();
    const list = await store.list('t1');
    expect(
      list.map(({ version, status, machineVersion, createdAt }) => ({
        version,
        status,
        machineVersion,
        createdAt,
      })),
    ).toEqual([
      { version: 1, status: 'running', machineVersion: 'm1', createdAt: 1_700_000_000_001 },
      { version: 2, status: 'running', machineVersion: 'm1', createdAt: 1_700_000_000_002 },
      { version: 3, status: 'waiting', machineVersion: 'm1', createdAt: 1_700_000_000_003 },
    ]);
    expect(list[0]?.bytes).toBeGreaterThan(100);
    expect(await store.list('nobody')).toEqual([]);
  });

  it('refuses a stale or skipped version with checkpoint.conflict', async () => {
    const store = open();
    await store.save(checkpoint('t2', 1));
    await store.save(checkpoint('t2', 2));
    const stale = await store.save(checkpoint('t2', 2)).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(CheckpointError);
    expect(stale).toMatchObject({ code: 'checkpoint.conflict', threadId: 't2' });
    expect((stale as Error).message).toContain('is at checkpoint 2, but this run tried to write 2');
    await expect(store.save(checkpoint('t2', 4))).rejects.toMatchObject({
      code: 'checkpoint.conflict',
    });
    await expect(store.save(checkpoint('t2', 1))).rejects.toThrow(/already exists/);
    expect((await store.list('t2')).map((item) => item.version)).toEqual([1, 2]);
  });

  it('lets exactly one of two clients racing for the same version win', async () => {
    const a = open();
    const b = open();
    for (let round = 0; round < 20; round++) {
      const thread = `race-${round}`;
      await a.save(checkpoint(thread, 1));
      const results = await Promise.allSettled([
        a.save(checkpoint(thread, 2, 'a')),
        b.save(checkpoint(thread, 2, 'b')),
      ]);
      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result) => result.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({
        code: 'checkpoint.conflict',
      });
      expect((await b.list(thread)).map((item) => item.version)).toEqual([1, 2]);
    }
  });

  it('fences journal writes of a run that no longer owns the thread', async () => {
    const store = open();
    await store.putEffect(effect('t3', 'k0', 'started'), { owner: 'run-a' });
    await store.save(checkpoint('t3', 1, 'run-a'));
    await store.putEffect(effect('t3', 'k1', 'started'), { owner: 'run-a' });
    await store.save(checkpoint('t3', 2, 'run-b'));
    const fenced = await store
      .putEffect(effect('t3', 'k2', 'started'), { owner: 'run-a' })
      .catch((error: unknown) => error);
    expect(fenced).toMatchObject({ code: 'checkpoint.conflict', threadId: 't3' });
    expect((fenced as Error).message).toContain('checkpoint 2 names another owner');
    expect(await store.getEffect('t3', 'k2')).toBeUndefined();
    await store.putEffect(effect('t3', 'k2', 'started'), { owner: 'run-b' });
    await store.putEffect(effect('t3', 'k2', 'started'));
    // An update keeps the entry's place in the journal.
    await store.putEffect(effect('t3', 'k0', 'completed'), { owner: 'run-b' });
    expect(await store.getEffect('t3', 'k0')).toEqual(effect('t3', 'k0', 'completed'));
    expect((await store.listEffects('t3')).map((item) => [item.key, item.status])).toEqual([
      ['k0', 'completed'],
      ['k1', 'started'],
      ['k2', 'started'],
    ]);
  });

  it('keeps its tables in the schema it is given', async () => {
    const store = open('agentchart test');
    await store.save(checkpoint('t4', 1));
    expect(await store.latest('t4')).toEqual(checkpoint('t4', 1));
    expect(await open().latest('t4')).toBeUndefined();
  });

  it('reads back past a corrupt newest row, marking the checkpoint recovered', async () => {
    const store = open();
    await store.save(checkpoint('t5', 1));
    await store.save(checkpoint('t5', 2));
    const client = new pg.Client({ connectionString: server?.connectionString });
    await client.connect();
    try {
      await client.query(
        "UPDATE agentchart_checkpoints SET state = '{broken' WHERE thread_id = 't5' AND version = 2",
      );
    } finally {
      await client.end();
    }
    const latest = await store.latest('t5');
    expect(latest?.version).toBe(1);
    expect(latest?.recovered).toMatchObject({ headVersion: 2, unreadable: [{ version: 2 }] });
    await expect(store.get('t5', 2)).rejects.toMatchObject({ code: 'checkpoint.corrupt' });
  });

  it('runs an agent whose human wait is answered by a second agent instance', async () => {
    const machine = setup({
      actors: {
        approve: humanWait({
          prompt: (amount: number) => `Approve a payment of ${amount}?`,
          reply: z.object({ approved: z.boolean() }),
        }),
      },
    }).createMachine({
      id: 'approval',
      initial: 'asking',
      states: {
        asking: {
          invoke: {
            src: 'approve',
            input: 120,
            onDone: [
              { guard: ({ event }) => event.output.approved, target: 'paid' },
              { target: 'declined' },
            ],
          },
        },
        paid: { type: 'final' },
        declined: { type: 'final' },
      },
    });
    const first = createAgent({ machine, checkpointer: open() });
    const waiting = await first.start({ threadId: 'pay-1', input: undefined }).result();
    expect(waiting.status).toBe('waiting');
    expect(waiting.status === 'waiting' && waiting.waits[0]?.prompt).toBe(
      'Approve a payment of 120?',
    );

    // Another process: its own pool, nothing in memory, the same database.
    const second = createAgent({ machine, checkpointer: open() });
    const handle = await second.send('pay-1', { type: 'human.reply', value: { approved: true } });
    const done = await handle.result();
    expect(done.status).toBe('done');
    expect(handle.getSnapshot().value).toBe('paid');
    const history = await open().list('pay-1');
    expect(history.at(-1)?.status).toBe('done');
  });
});
