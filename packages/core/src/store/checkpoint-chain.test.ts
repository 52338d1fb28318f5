import { describe, expect, it } from 'vitest';
import { emptyUsage } from '../ledger/fold-usage';
import { CheckpointChain, decodeChain } from './checkpoint-chain';
import type { Checkpoint } from './types';

const checkpoint = (version: number, messages: string[]): Checkpoint => ({
  threadId: 't',
  version,
  machineVersion: 'm',
  snapshot: { context: { messages } },
  run: { status: 'running', input: null, startedAt: 0, occurrences: {}, usage: emptyUsage() },
  createdAt: version,
});

/** `checkpoint` of a run at rest. */
const resting = (at: Checkpoint): Checkpoint => ({ ...at, run: { ...at.run, status: 'waiting' } });

/** Saves versions 1…n of a history growing by one 100-character message a step. */
function encodeAll(chain: CheckpointChain, n: number) {
  const rows: { version: number; encoding: string; text: string }[] = [];
  const messages: string[] = [];
  for (let version = 1; version <= n; version++) {
    messages.push(`${version}`.padEnd(100, '.'));
    const { encoded, commit } = chain.encode(checkpoint(version, [...messages]));
    commit();
    rows.push({ version, ...encoded });
  }
  return rows;
}

describe('CheckpointChain', () => {
  it('writes deltas until they add up to the last full state, then a full state again', () => {
    const rows = encodeAll(new CheckpointChain(), 40);
    expect(rows[0]?.encoding).toBe('full');
    expect(rows[1]?.encoding).toBe('delta');
    const fulls = rows.filter((row) => row.encoding === 'full').map((row) => row.version);
    // Full states get rarer as the state grows: the bytes a step writes stay bounded.
    expect(fulls.length).toBeGreaterThan(2);
    expect(fulls.length).toBeLessThan(12);
    const lastFull = fulls.at(-1)!;
    const deltasSince = rows.filter((row) => row.version > lastFull);
    const fullSize = rows.find((row) => row.version === lastFull)!.text.length;
    expect(deltasSince.reduce((sum, row) => sum + row.text.length, 0)).toBeLessThanOrEqual(
      fullSize,
    );
  });

  it('writes a full state for a thread it does not remember', () => {
    const chain = new CheckpointChain(1);
    encodeAll(chain, 3);
    // Thread t comes to rest, then another: one thread at rest is remembered.
    chain.encode(resting(checkpoint(4, ['x']))).commit();
    chain.encode(resting({ ...checkpoint(1, []), threadId: 'other' })).commit();
    expect(chain.encode(checkpoint(5, ['x', 'y'])).encoded.encoding).toBe('full');
  });

  it('remembers runs in progress beyond the bound at rest, up to their own', () => {
    const chain = new CheckpointChain(2, 100);
    const threads = Array.from({ length: 100 }, (_, index) => `t${index}`);
    for (const threadId of threads) chain.encode({ ...checkpoint(1, ['a']), threadId }).commit();
    const second = threads.map(
      (threadId) => chain.encode({ ...checkpoint(2, ['a', 'b']), threadId }).encoded.encoding,
    );
    expect(second.every((encoding) => encoding === 'delta')).toBe(true);
    chain.encode({ ...checkpoint(1, ['a']), threadId: 'one more' }).commit();
    expect(chain.encode({ ...checkpoint(2, ['a', 'b']), threadId: 't0' }).encoded.encoding).toBe(
      'full',
    );
  });

  it('rebuilds every version from a full state and the deltas after it', () => {
    const rows = encodeAll(new CheckpointChain(), 12);
    const lastFull = rows.findLastIndex((row) => row.encoding === 'full');
    const { last } = decodeChain(rows.slice(lastFull));
    expect(last?.version).toBe(12);
    expect(
      (last?.state.snapshot as { context: { messages: string[] } } | undefined)?.context.messages,
    ).toHaveLength(12);
  });

  it('stops at a row that does not parse and returns the version before it', () => {
    const rows = encodeAll(new CheckpointChain(), 3);
    rows[2] = { ...rows[2]!, text: '[["s", ["snap' };
    const { last, failure } = decodeChain(rows);
    expect(last?.version).toBe(2);
    expect(failure?.version).toBe(3);
  });
});
