import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../ledger/types';
import { checkpointerConformance } from '../testing/checkpointer-conformance';
import { MemoryCheckpointer } from './memory-checkpointer';

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
  for (const { name, run } of checkpointerConformance({ create: () => new MemoryCheckpointer() })) {
    it(name, run);
  }

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
});
