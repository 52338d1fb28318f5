import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { type Clock, timeOrderedIds } from './clock';

function clockAt(times: number[]): Clock {
  let index = 0;
  return {
    now: () => times[Math.min(index++, times.length - 1)]!,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

const version7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedIds', () => {
  it('makes version-7 UUIDs whose first 48 bits are the clock’s milliseconds', () => {
    const id = timeOrderedIds(clockAt([0x0193_a1b2_c3d4]))();
    expect(id).toMatch(version7);
    expect(id.startsWith('0193a1b2-c3d4-7')).toBe(true);
  });

  it('sorts later ids after earlier ones, and never repeats within a millisecond', () => {
    const times = Array.from({ length: 2_000 }, (_, index) => 1_700_000_000_000 + (index >> 4));
    const next = timeOrderedIds(clockAt(times));
    const ids = times.map(() => next());
    expect(new Set(ids).size).toBe(ids.length);
    for (let index = 16; index < ids.length; index += 16) {
      expect(ids[index - 16]! < ids[index]!).toBe(true);
    }
  });

  it('keeps a clock before the epoch, past 48 bits or not a number to a valid id', () => {
    expect(timeOrderedIds(clockAt([-5]))()).toMatch(/^00000000-0000-7/);
    expect(timeOrderedIds(clockAt([2 ** 60]))()).toMatch(/^ffffffff-ffff-7/);
    expect(timeOrderedIds(clockAt([Number.NaN]))()).toMatch(version7);
  });
});

describe('createAgent', () => {
  it('gives a run started without a thread id a time-ordered one', async () => {
    const machine = createMachine({
      id: 'idle',
      initial: 'done',
      states: { done: { type: 'final' } },
    });
    const agent = createAgent({ machine, checkpointer: new MemoryCheckpointer() });
    const first = await agent.run({ input: undefined });
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = await agent.run({ input: undefined });
    expect(first.threadId).toMatch(version7);
    expect(first.threadId < second.threadId).toBe(true);
  });
});
