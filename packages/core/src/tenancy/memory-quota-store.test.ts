import { describe, expect, it } from 'vitest';
import { manualClock } from '../testing/manual-clock';
import { MemoryQuotaStore } from './memory-quota-store';

describe('MemoryQuotaStore', () => {
  it('keeps every live counter past 10,000 of them, and forgets expired ones', async () => {
    const clock = manualClock(0);
    const store = new MemoryQuotaStore({ clock });
    for (let n = 0; n < 25_000; n++) await store.increment(`short-${n}`, 1, 1_000);
    for (let n = 0; n < 25_000; n++) await store.increment(`long-${n}`, 2, 60_000);
    await clock.advance(2_000);
    for (let n = 0; n < 25_000; n++) await store.increment(`new-${n}`, 3, 60_000);
    expect(await store.get('short-0')).toBe(0);
    expect(await store.increment('short-1', 1, 60_000)).toBe(1);
    expect(await store.get('long-0')).toBe(2);
    expect(await store.get('long-24999')).toBe(2);
    expect(await store.get('new-24999')).toBe(3);
  });
});
