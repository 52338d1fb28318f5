import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import type { Checkpointer } from '../store/types';
import { type ManualClock, manualClock } from '../testing/manual-clock';
import { scriptedModel } from '../testing/scripted-model';
import { lead } from './reviewing-lead.test-support';

/** The lead on `store` with a wall-time limit, its child's one call answered. */
function walledLead(store: Checkpointer, clock: ManualClock) {
  return createAgent({
    machine: lead,
    models: { fast: scriptedModel({ responses: [{ json: { risk: 'low' } }] }) },
    checkpointer: store,
    clock,
    limits: { maxWallTimeMs: 1_000 },
  });
}

const stores: [string, () => Checkpointer][] = [
  ['in memory', () => new MemoryCheckpointer()],
  ['on SQLite', () => new SqliteCheckpointer({ path: ':memory:' })],
];

describe.each(stores)(
  'a parent restored past its wall-time limit while its child agent waits (%s)',
  (_, makeStore) => {
    it('stops the child and keeps its usage, as the process that evicted the parent would', async () => {
      const store = makeStore();
      const clock = manualClock(0);
      const first = walledLead(store, clock);
      const waiting = await first.start({ threadId: 'lead-1', input: undefined }).result();
      expect(waiting).toMatchObject({ status: 'waiting', usage: { modelCalls: 1 } });
      await first.close();

      // Nobody held the thread at its deadline: a worker (another process) wakes it later.
      await clock.advance(5_000);
      const worker = walledLead(store, clock);
      const ended = await (await worker.resume('lead-1')).result();

      expect(ended).toMatchObject({ status: 'limit', limit: { limit: 'maxWallTimeMs' } });
      expect(ended.usage.modelCalls).toBe(1);
      expect((await store.latest('lead-1'))?.run.usage.modelCalls).toBe(1);
      // The child is over with its parent (at the wall-time limit it keeps too), not left
      // waiting for a reply no thread takes any more.
      const threads = await store.listThreads!({});
      const children = threads.filter((thread) => thread.threadId !== 'lead-1');
      expect(children.map((thread) => thread.status)).toEqual(['limit']);
      const [record] = (await store.listEffects('lead-1')).filter(
        (entry) => entry.kind === 'agent',
      );
      expect(record).toMatchObject({
        status: 'completed',
        output: { status: 'stopped', usage: { modelCalls: 1 } },
      });
      await worker.close();
    });
  },
);
