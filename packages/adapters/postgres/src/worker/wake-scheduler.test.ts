import { describe, expect, it } from 'vitest';
import { WakeScheduler } from './wake-scheduler';

/**
 * A store with one thread stored `running` whose lease `lease()` gives, listed as orphaned
 * whenever its expiry is past the worker's wall clock, and a queue that records wakes.
 */
function scheduler(lease: () => { owner: string; expiresAt: number }, clocks: Clocks) {
  const woken: string[] = [];
  const checkpointer = {
    claimDue: async () => [],
    listOrphaned: async ({ now }: { now: number }) => (lease().expiresAt <= now ? ['t1'] : []),
    getLease: async () => lease(),
    latest: async () => ({ run: { agent: 'support' } }),
  };
  const jobs = {
    wake: async (_agent: string, threadId: string) => {
      woken.push(threadId);
      return 'job';
    },
  };
  const wakes = new WakeScheduler({
    checkpointer: checkpointer as never,
    jobs: jobs as never,
    intervalMs: 1_000,
    orphanIntervalMs: 1_000,
    batchSize: 100,
    leaseGraceMs: 15_000,
    defaultAgent: undefined,
    onError: (error) => {
      throw error;
    },
    now: () => clocks.wall,
    monotonicNow: () => clocks.monotonic,
  });
  return { wakes, woken };
}

interface Clocks {
  wall: number;
  monotonic: number;
}

describe('WakeScheduler', () => {
  it("takes no live run's thread when the worker's wall clock steps forward past its lease", async () => {
    const clocks = { wall: 1_000_000, monotonic: 0 };
    // The owner, on another machine, renews every 5 s a lease of 15 s on its own clock.
    let expiresAt = 1_015_000;
    const { wakes, woken } = scheduler(() => ({ owner: 'web-1', expiresAt }), clocks);
    // NTP steps this worker's clock an hour forward: every lease reads as expired.
    clocks.wall += 3_600_000;
    for (let beat = 0; beat < 6; beat++) {
      await wakes.tick();
      clocks.monotonic += 5_000;
      clocks.wall += 5_000;
      expiresAt += 5_000;
    }
    // Before: woken at the first look, the live owner fenced off mid-step.
    expect(woken).toEqual([]);
  });

  it("wakes a dead owner's thread once its lease stood still for the grace on its own clock", async () => {
    const clocks = { wall: 1_000_000, monotonic: 0 };
    const { wakes, woken } = scheduler(() => ({ owner: 'web-1', expiresAt: 990_000 }), clocks);
    await wakes.tick();
    expect(woken).toEqual([]);
    clocks.monotonic += 14_000;
    clocks.wall += 14_000;
    await wakes.tick();
    expect(woken).toEqual([]);
    clocks.monotonic += 1_000;
    clocks.wall += 1_000;
    await wakes.tick();
    expect(woken).toEqual(['t1']);
  });

  it('wakes a thread whose lease was released, or that has none, at once', async () => {
    const clocks = { wall: 1_000_000, monotonic: 0 };
    const { wakes, woken } = scheduler(() => ({ owner: 'web-1', expiresAt: 0 }), clocks);
    await wakes.tick();
    expect(woken).toEqual(['t1']);
  });
});
