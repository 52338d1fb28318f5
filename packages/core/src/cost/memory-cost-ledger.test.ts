import { describe, expect, it } from 'vitest';
import { MemoryCostLedger } from './memory-cost-ledger';

describe('MemoryCostLedger', () => {
  it('answers cost per run, per tenant, per model and per day, counting a replayed call once', async () => {
    const ledger = new MemoryCostLedger();
    const entry = (
      threadId: string,
      tenantId: string,
      callId: string,
      model: string,
      costUsd: number,
      at: number,
    ) =>
      ledger.record({
        threadId,
        tenantId,
        callId,
        model,
        usage: { inputTokens: 100, outputTokens: 10 },
        costUsd,
        cached: false,
        at,
      });
    await entry('t1', 'acme', 'k1', 'mini', 0.01, 1);
    await entry('t1', 'acme', 'k1', 'mini', 0.01, 1);
    await entry('t1', 'acme', 'k2', 'big', 0.1, 2);
    await entry('t2', 'globex', 'k1', 'mini', 0.02, 3);
    expect(await ledger.summarise({ threadId: 't1' })).toEqual({
      calls: 2,
      cachedCalls: 0,
      inputTokens: 200,
      outputTokens: 20,
      costUsd: 0.11,
    });
    const byTenant = await ledger.summariseBy('tenantId');
    expect(byTenant.get('acme')?.costUsd).toBeCloseTo(0.11, 10);
    expect(byTenant.get('globex')?.calls).toBe(1);
    expect((await ledger.summariseBy('model', { since: 2 })).get('mini')?.costUsd).toBe(0.02);
    expect(await ledger.entries({ until: 2 })).toHaveLength(1);
    await entry('t3', 'acme', 'k1', 'mini', 0.5, Date.UTC(2026, 2, 1, 23, 59));
    await entry('t3', 'acme', 'k2', 'mini', 0.25, Date.UTC(2026, 2, 2, 0, 1));
    const byDay = await ledger.summariseBy('day', { since: Date.UTC(2026, 0, 1) });
    expect([...byDay].map(([day, summary]) => [day, summary.costUsd])).toEqual([
      ['2026-03-01', 0.5],
      ['2026-03-02', 0.25],
    ]);
  });
});
