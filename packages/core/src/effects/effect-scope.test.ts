import { describe, expect, it } from 'vitest';
import { runLogAgent } from '../../test/fixtures/run-log-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';

/** The fixture thread's journal and its child's, once it waits for its approval. */
async function journalsOfWaitingThread() {
  const store = new MemoryCheckpointer();
  const clock = manualClock(1_700_000_000_000);
  const agent = runLogAgent(store, { clock });
  const outcome = await agent
    .start({ threadId: 'tender-1', input: 'quay wall', tenantId: 'acme' })
    .result();
  expect(outcome.status).toBe('waiting');
  return {
    journal: await store.listEffects('tender-1'),
    child: await store.listEffects('tender-1/0.triage.delegating#0'),
  };
}

describe('EffectScope.journaled', () => {
  it('records with every step the agent, the chart state that invoked it, the tenant and, once finished, its latency', async () => {
    const { journal, child } = await journalsOfWaitingThread();
    expect(journal.map((entry) => [entry.kind, entry.name, entry.meta?.state])).toEqual([
      ['llm', 'small', 'review.classifying'],
      ['llm', 'strong', 'review.classifying'],
      ['llm', 'small', 'researching'],
      ['tool', 'archive', 'researching'],
      ['tool', 'lookup', 'researching'],
      ['llm', 'small', 'researching'],
      ['agent', 'summariser', 'delegating'],
      ['human', 'human', 'approving'],
    ]);
    for (const entry of journal) {
      expect(entry.meta).toMatchObject({ agent: 'triage', tenantId: 'acme' });
      expect(entry.meta?.latencyMs).toBe(entry.status === 'started' ? undefined : 0);
    }
    // A child agent's steps name the child and its own state, charged to the parent's tenant.
    expect(child.map((entry) => entry.meta)).toEqual([
      expect.objectContaining({ agent: 'summariser', state: 'summarising', tenantId: 'acme' }),
    ]);
  });
});
