/**
 * Issue 11 — concurrent runs' writes are grouped, lease writes included.
 *
 * An agent renews the leases of all its runs on one heartbeat; each renewal was its own store
 * call, so on SQLite its own commit: ten thousand runs held in memory while they wait cost ten
 * thousand commits every ten seconds, made back to back in one turn of the event loop (216 ms
 * of it blocked at each beat, measured on 10,000 runs). A beat now renews its runs' leases in
 * a few store calls, one statement each.
 *
 * Runs that start or end together took and gave up their leases in a commit each, outside the
 * group commit their checkpoints share (10,000 leases taken at once: 263 ms; now 89 ms).
 */

import * as sqlite from 'node:sqlite';
import { createAgent, humanWait } from '@agentchart/core';
import { manualClock } from '@agentchart/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../fixtures/temp-stores';

let stores: ReturnType<typeof tempStores>;
beforeEach(() => {
  stores = tempStores();
});
afterEach(() => stores.cleanup());

const machine = setup({
  actors: { ask: humanWait({ prompt: () => 'Go?', reply: z.object({ go: z.boolean() }) }) },
}).createMachine({
  id: 'ask',
  initial: 'asking',
  states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
});

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('lease writes (issue 11)', () => {
  it('renews 600 waiting runs’ leases in two store calls a beat, not 600', async () => {
    const store = stores.open();
    const single: string[] = [];
    const batches: number[] = [];
    const renewLease = store.renewLease.bind(store);
    store.renewLease = (threadId, options) => {
      single.push(threadId);
      return renewLease(threadId, options);
    };
    const renewLeases = store.renewLeases.bind(store);
    store.renewLeases = (leases, options) => {
      batches.push(leases.length);
      return renewLeases(leases, options);
    };
    // (Before, the beat made one renewLease call per run: `single` held all 600 threads.)
    const clock = manualClock(0);
    const agent = createAgent({ machine, checkpointer: store, clock, evictWaiting: false });
    const handles = Array.from({ length: 600 }, (_, index) =>
      agent.start({ threadId: `t${index}`, input: undefined }),
    );
    const outcomes = await Promise.all(handles.map((handle) => handle.result()));
    expect(new Set(outcomes.map((outcome) => outcome.status))).toEqual(new Set(['waiting']));

    // The default lease lives 30 s; the heartbeat beats every 10 s.
    await clock.advance(10_000);
    for (let turn = 0; turn < 3; turn++) await nextTurn();
    expect(single).toEqual([]);
    expect(batches).toEqual([500, 100]);
    const other = stores.open();
    const leases = await Promise.all(['t0', 't599'].map((id) => other.getLease(id)));
    expect(leases.map((lease) => lease?.expiresAt)).toEqual([40_000, 40_000]);

    // The runs still hold their threads: a reply after the beat finishes the run.
    await clock.advance(25_000);
    handles[599]!.reply({ go: true });
    expect(await handles[599]!.result()).toMatchObject({ status: 'done' });
    await agent.close();
  });

  it('takes and gives up the leases of runs that start and end together in shared transactions', async () => {
    // Every lease statement the store runs, and whether a transaction was open around it.
    const leaseStatements: boolean[] = [];
    const prepare = sqlite.DatabaseSync.prototype.prepare;
    sqlite.DatabaseSync.prototype.prepare = function (this: sqlite.DatabaseSync, sql: string) {
      const statement = prepare.call(this, sql);
      if (/^\s*(INSERT INTO|UPDATE) leases/i.test(sql)) {
        for (const method of ['run', 'get', 'all'] as const) {
          const call = statement[method].bind(statement) as (...values: unknown[]) => unknown;
          (statement as unknown as Record<string, unknown>)[method] = (...values: unknown[]) => {
            leaseStatements.push(this.isTransaction);
            return call(...values);
          };
        }
      }
      return statement;
    } as typeof prepare;
    try {
      const store = stores.open();
      const quick = setup({}).createMachine({
        id: 'quick',
        initial: 'done',
        states: { done: { type: 'final' } },
      });
      const agent = createAgent({ machine: quick, checkpointer: store });
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, () => agent.run({ input: undefined })),
      );
      expect(outcomes.every((outcome) => outcome.status === 'done')).toBe(true);
      // A run gives its lease up once its outcome is stored, after its result resolves.
      for (let turn = 0; turn < 5 && leaseStatements.length < 400; turn++) await nextTurn();
      // 200 taken and 200 given up; before, each was a commit of its own.
      expect(leaseStatements).toHaveLength(400);
      expect(leaseStatements.filter((inTransaction) => !inTransaction)).toHaveLength(0);
      await agent.close();
    } finally {
      sqlite.DatabaseSync.prototype.prepare = prepare;
    }
  });
});
