import assert from 'node:assert/strict';
import type { ConformanceCase, ConformanceContext } from './context';
import { assertCode, checkpointAt, entryOf, rejection } from './fixtures';

const t0 = 1_700_000_000_000;
const ttlMs = 30_000;

/**
 * `saveWithLease`, for a store that has it: the lease taken before, or given up after, a
 * checkpoint and its journal, in one transaction.
 */
export function saveWithLeaseCases({
  threadId,
  withStores,
}: ConformanceContext): ConformanceCase[] {
  return [
    {
      name: 'takes the lease with a checkpoint, and writes nothing when another owner holds it',
      run: () =>
        withStores(2, async ([store, other]) => {
          assert.ok(store!.saveWithLease, 'the store implements saveWithLease');
          const thread = threadId('take-with');
          await other!.acquireLease(thread, { owner: 'run-b', ttlMs, now: t0 });
          const refused = await rejection(
            store!.saveWithLease!(
              checkpointAt(thread, 1, 'run-a'),
              [entryOf(thread, 'k', 'started')],
              {
                take: { ttlMs, now: t0 + 1 },
              },
            ),
            'a checkpoint taking a lease another owner holds',
          );
          assertCode(refused, 'checkpoint.lease_held', /run-b/);
          assert.equal(await other!.latest(thread), undefined);
          assert.deepEqual(await other!.listEffects(thread), []);
          assert.equal((await other!.getLease(thread))?.owner, 'run-b');
          // Once it lapsed, the checkpoint takes it.
          const later = t0 + ttlMs;
          await store!.saveWithLease!(
            checkpointAt(thread, 1, 'run-a'),
            [entryOf(thread, 'k', 'started')],
            {
              take: { ttlMs, now: later },
            },
          );
          assert.deepEqual(await other!.getLease(thread), {
            threadId: thread,
            owner: 'run-a',
            expiresAt: later + ttlMs,
          });
          assert.equal((await other!.latest(thread))?.version, 1);
          assert.equal((await other!.listEffects(thread)).length, 1);
        }),
    },
    {
      name: 'gives the lease up with a checkpoint, and keeps it when the checkpoint is refused',
      run: () =>
        withStores(2, async ([store, other]) => {
          assert.ok(store!.saveWithLease, 'the store implements saveWithLease');
          const thread = threadId('release-with');
          await store!.saveWithLease!(checkpointAt(thread, 1, 'run-a'), [], {
            take: { ttlMs, now: t0 },
          });
          const stale = await rejection(
            store!.saveWithLease!(checkpointAt(thread, 1, 'run-a'), [], { release: true }),
            'a checkpoint out of step',
          );
          assertCode(stale, 'checkpoint.conflict');
          assert.equal((await other!.getLease(thread))?.expiresAt, t0 + ttlMs);
          await store!.saveWithLease!(checkpointAt(thread, 2, 'run-a'), [], { release: true });
          assert.deepEqual(await other!.getLease(thread), {
            threadId: thread,
            owner: 'run-a',
            expiresAt: 0,
          });
          // Given up: another owner takes the thread at once, and a run's first checkpoint
          // that is also its last takes and gives up the lease in one write.
          await other!.acquireLease(thread, { owner: 'run-b', ttlMs, now: t0 + 1 });
          const once = threadId('once');
          await store!.saveWithLease!(checkpointAt(once, 1, 'run-c'), [], {
            take: { ttlMs, now: t0 },
            release: true,
          });
          assert.deepEqual(await other!.getLease(once), {
            threadId: once,
            owner: 'run-c',
            expiresAt: 0,
          });
        }),
    },
  ];
}
