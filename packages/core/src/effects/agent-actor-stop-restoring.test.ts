import { describe, expect, it } from 'vitest';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { leadAgent } from './reviewing-lead.test-support';

describe('a parent stopped while its child agent waits for a person', () => {
  const ways = {
    'live (evictWaiting: false), stopped through its handle': { evict: false, resume: false },
    'evicted, stopped through its handle': { evict: true, resume: false },
    'evicted, resumed then stopped': { evict: true, resume: true },
  };
  for (const [name, { evict, resume }] of Object.entries(ways)) {
    it(`keeps the child's usage in its outcome, its run.end and its checkpoint: ${name}`, async () => {
      const store = new MemoryCheckpointer();
      const agent = leadAgent(store, { evictWaiting: evict });
      const ends: { modelCalls: number }[] = [];
      agent.events.on('run.end', ({ threadId, usage }) => {
        if (threadId === 'lead-1') ends.push(usage);
      });
      const handle = agent.start({ threadId: 'lead-1', input: undefined });
      const waiting = await handle.result();
      expect(waiting.status).toBe('waiting');
      expect(waiting.usage.modelCalls).toBe(1);

      const stopped = resume ? await (await agent.resume('lead-1')).stop() : await handle.stop();

      expect(stopped.status).toBe('stopped');
      expect(stopped.usage.modelCalls).toBe(1);
      expect(ends.at(-1)?.modelCalls).toBe(1);
      expect((await store.latest('lead-1'))?.run.usage?.modelCalls).toBe(1);
      const [record] = (await store.listEffects('lead-1')).filter(
        (entry) => entry.kind === 'agent',
      );
      expect(record?.status).toBe('completed');
      expect(record?.output).toMatchObject({ status: 'stopped', usage: { modelCalls: 1 } });
      await agent.close();
    });
  }
});
