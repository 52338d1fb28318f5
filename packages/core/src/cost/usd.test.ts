import { describe, expect, it } from 'vitest';
import { addRecordUsage, emptyUsage } from '../ledger/fold-usage';
import type { JournalEntry } from '../ledger/types';
import { costOfUsage } from './cost-of-usage';
import { MemoryCostLedger } from './memory-cost-ledger';
import { addUsd, roundUsd } from './usd';

describe('dollar amounts', () => {
  it('sum without the noise of binary floating point', () => {
    expect(0.00001 + 0.00002).not.toBe(0.00003);
    expect(addUsd(0.00001, 0.00002)).toBe(0.00003);
    let total = 0;
    for (let index = 0; index < 1_000; index++) total = addUsd(total, 0.0001);
    expect(total).toBe(0.1);
    expect(roundUsd(1234.56789)).toBe(1234.56789);
    expect(roundUsd(0)).toBe(0);
  });

  it('price a call without noise', () => {
    // 10 tokens at $3 per million: 0.000030000000000000004 unrounded.
    expect(
      costOfUsage(
        { inputTokens: 10, outputTokens: 0 },
        { inputPerMillion: 3, outputPerMillion: 15 },
      ),
    ).toBe(0.00003);
  });

  it('reach a run’s usage and a cost ledger as a person would add them', async () => {
    const usage = emptyUsage();
    const call = (key: string, costUsd: number): JournalEntry => ({
      threadId: 't',
      key,
      site: 's',
      kind: 'llm',
      effect: 'idempotent',
      name: 'm',
      status: 'completed',
      startedAt: 0,
      output: {
        response: { content: '', usage: { inputTokens: 1, outputTokens: 1 } },
        model: 'm',
        attempts: 1,
        costUsd,
        cached: false,
      },
    });
    addRecordUsage(usage, call('a', 0.00001));
    addRecordUsage(usage, call('b', 0.00002));
    expect(usage.costUsd).toBe(0.00003);
    const ledger = new MemoryCostLedger();
    for (const [callId, costUsd] of [
      ['a', 0.1],
      ['b', 0.2],
    ] as const) {
      await ledger.record({
        threadId: 't',
        callId,
        model: 'm',
        usage: { inputTokens: 1, outputTokens: 1 },
        costUsd,
        cached: false,
        at: 0,
      });
    }
    expect((await ledger.summarise()).costUsd).toBe(0.3);
  });
});
