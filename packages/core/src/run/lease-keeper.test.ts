import { describe, expect, it } from 'vitest';
import type { RunError } from '../errors/run-error';
import { CheckpointError } from '../store/checkpoint-error';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { manualClock } from '../testing/manual-clock';
import type { AgentRuntime } from './agent-runtime';
import { LeaseHeartbeat } from './lease-heartbeat';
import { type LeaseHolder, LeaseKeeper } from './lease-keeper';

const ttlMs = 3_000;

/** An agent's lease services on a manual clock, counting the renewals its store is asked for. */
function agentLeases() {
  const clock = manualClock(0);
  const checkpointer = new MemoryCheckpointer();
  const renewals: string[] = [];
  const renewLease = checkpointer.renewLease.bind(checkpointer);
  checkpointer.renewLease = (threadId, options) => {
    renewals.push(threadId);
    return renewLease(threadId, options);
  };
  const warnings: string[] = [];
  const runtime = {
    checkpointer,
    clock,
    events: { warn: (_threadId: string, code: string) => warnings.push(code) },
    leaseTtlMs: ttlMs,
    leaseHeartbeat: new LeaseHeartbeat(clock, ttlMs),
    strandedLeases: new Map<string, string>(),
  } as unknown as AgentRuntime;
  const lost: RunError[] = [];
  const run = (threadId: string): LeaseHolder => ({
    runtime,
    threadId,
    owner: `owner-${threadId}`,
    leaseLost: (error) => lost.push(error),
  });
  return { clock, checkpointer, renewals, lost, run, warnings };
}

describe('LeaseKeeper', () => {
  it('renews the leases of all its agent’s runs on one timer', async () => {
    const { clock, renewals, run } = agentLeases();
    const keepers = ['a', 'b', 'c'].map((threadId) => new LeaseKeeper(run(threadId)));
    for (const keeper of keepers) {
      await keeper.acquire();
      keeper.start();
    }
    expect(clock.pending()).toBe(1);
    await clock.advance(ttlMs / 3);
    expect(renewals.sort()).toEqual(['a', 'b', 'c']);
    expect(clock.pending()).toBe(1);
  });

  it('does not renew a lease taken less than half a beat before the beat', async () => {
    const { clock, renewals, run } = agentLeases();
    const first = new LeaseKeeper(run('first'));
    await first.acquire();
    first.start();
    await clock.advance(ttlMs / 3 - 100);
    const late = new LeaseKeeper(run('late'));
    await late.acquire();
    late.start();
    await clock.advance(100);
    expect(renewals).toEqual(['first']);
    await clock.advance(ttlMs / 3);
    expect(renewals).toEqual(['first', 'first', 'late']);
  });

  it('stops the timer once no run holds a lease (a timer that cannot be unref’d)', async () => {
    const { clock, run } = agentLeases();
    const keepers = ['a', 'b'].map((threadId) => new LeaseKeeper(run(threadId)));
    for (const keeper of keepers) {
      await keeper.acquire();
      keeper.start();
    }
    keepers[0]!.stop();
    expect(clock.pending()).toBe(1);
    await keepers[1]!.release();
    expect(clock.pending()).toBe(0);
  });

  it('tells its run when another owner took the thread at a beat, and stops renewing', async () => {
    const { clock, checkpointer, renewals, lost, run } = agentLeases();
    const keeper = new LeaseKeeper(run('t'));
    await keeper.acquire();
    keeper.start();
    await checkpointer.acquireLease('t', { owner: 'rival', ttlMs, now: 0, force: true });
    await clock.advance(ttlMs / 3);
    expect(lost.map((error) => error.code)).toEqual(['run.taken_over']);
    expect(keeper.lost?.code).toBe('run.taken_over');
    await clock.advance(ttlMs);
    expect(renewals).toEqual(['t']);
    expect(clock.pending()).toBe(0);
  });

  it('reports a store that refuses a heartbeat renewal instead of throwing from the timer, and fails the next step with it', async () => {
    const { clock, checkpointer, run, warnings } = agentLeases();
    const refused = new CheckpointError(
      'checkpoint.corrupt',
      'a',
      'The lease table of runs.db cannot be read.',
    );
    checkpointer.renewLease = async () => {
      throw refused;
    };
    const keeper = new LeaseKeeper(run('a'));
    await keeper.acquire();
    keeper.start();
    // Before, the refusal was rethrown in the timer's promise: an unhandled rejection, which
    // ends a Node process (and fails this test).
    const settled = () => new Promise((resolve) => setImmediate(resolve));
    await clock.advance(ttlMs / 3);
    await settled();
    await clock.advance(ttlMs / 3);
    await settled();
    expect(warnings).toEqual(['lease.renew_failed', 'lease.renew_failed']);
    // Less than a third of the lease left: the next step renews first, and fails.
    await clock.advance(100);
    await expect(keeper.confirm()).rejects.toBe(refused);
    keeper.stop();
  });
});
