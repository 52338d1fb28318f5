import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { toolCall } from '../effects/tool-call';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import type { LeaseChange } from '../store/types';
import { defineTool } from '../tools/define-tool';

const add = defineTool({
  name: 'add',
  description: 'Adds one.',
  input: z.number(),
  output: z.number(),
  effect: 'pure',
  execute: async (count) => count + 1,
});

/** Three steps, each a journaled tool call: four macrosteps with the start. */
const machine = setup({
  types: { context: {} as { count: number } },
  actors: { add: toolCall(add) },
}).createMachine({
  id: 'count',
  context: { count: 0 },
  initial: 's0',
  states: Object.fromEntries([
    ...[0, 1, 2].map((index) => [
      `s${index}`,
      {
        invoke: {
          src: 'add',
          input: ({ context }: { context: { count: number } }) => context.count,
          onDone: {
            target: index < 2 ? `s${index + 1}` : 'done',
            actions: assign({
              count: ({ event }) => (event as unknown as { output: number }).output,
            }),
          },
        },
      },
    ]),
    ['done', { type: 'final' }],
  ]),
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-lease-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A SQLite store that lists the lease writes runs make, and the lease change of each save. */
function countingStore() {
  const store = new SqliteCheckpointer({ path: join(dir, 'runs.db') });
  const calls: string[] = [];
  const acquire = store.acquireLease.bind(store);
  store.acquireLease = (threadId, options) => {
    calls.push('acquireLease');
    return acquire(threadId, options);
  };
  const release = store.releaseLease.bind(store);
  store.releaseLease = (threadId, owner) => {
    calls.push('releaseLease');
    return release(threadId, owner);
  };
  const save = store.saveWithLease.bind(store);
  store.saveWithLease = (checkpoint, journal, lease: LeaseChange) => {
    calls.push(
      `save ${checkpoint.version}${lease.take ? ' take' : ''}${lease.release ? ' release' : ''}`,
    );
    return save(checkpoint, journal, lease);
  };
  return { store, calls };
}

describe('a run on a store that saves with its lease', () => {
  it('takes its lease with its first checkpoint and gives it up with its last: no lease write of its own', async () => {
    const { store, calls } = countingStore();
    const agent = createAgent({ machine, checkpointer: store });
    const outcome = await agent.start({ threadId: 't', input: undefined }).result();
    expect(outcome.status).toBe('done');
    // Before, the lease took a commit before the first checkpoint and another after the last.
    // Pure tool steps do not wait for the thread's first checkpoint: here the whole run fits in
    // the one that takes the lease and gives it up (how many steps one commit gathers varies).
    expect(calls[0]).toMatch(/^save 1 take/);
    expect(calls.at(-1)).toMatch(/ release$/);
    expect(calls.filter((call) => !call.startsWith('save '))).toEqual([]);
    // Given up by the time the run reports its end.
    expect(await store.getLease('t')).toMatchObject({ expiresAt: 0 });
    expect((await store.latest('t'))?.run.status).toBe('done');
    await agent.close();
    store.close();
  });

  it('refuses a start on a thread another run holds, writing nothing; forced, takes it with its first checkpoint', async () => {
    const { store } = countingStore();
    const agent = createAgent({ machine, checkpointer: store });
    await store.acquireLease('held', { owner: 'other', ttlMs: 60_000, now: Date.now() });
    // Refused as a start on a thread that is running elsewhere: the store's refusal is the cause.
    const refused = agent.start({ threadId: 'held', input: undefined }).result();
    await expect(refused).rejects.toMatchObject({
      code: 'run.already_running',
      cause: { code: 'checkpoint.lease_held' },
    });
    expect(await store.latest('held')).toBeUndefined();
    expect(await store.listEffects('held')).toEqual([]);
    expect(await store.getLease('held')).toMatchObject({ owner: 'other' });
    // Forced, the start takes the thread with its first checkpoint.
    const forced = await agent.start({ threadId: 'held', input: undefined, force: true }).result();
    expect(forced.status).toBe('done');
    await agent.close();
    store.close();
  });
});
