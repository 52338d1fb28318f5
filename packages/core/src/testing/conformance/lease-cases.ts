import assert from 'node:assert/strict';
import type { ConformanceCase, ConformanceContext } from './context';
import { assertCode, checkpointAt, entryOf, makeError, rejection } from './fixtures';

const t0 = 1_700_000_000_000;
const ttlMs = 30_000;

/** Leases: acquire, renew, expiry, force, release, and writes fenced after a takeover. */
export function leaseCases({ threadId, withStores }: ConformanceContext): ConformanceCase[] {
  return [
    {
      name: 'takes a free lease, renews it for its holder, and shows it to every store',
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('lease');
          assert.equal(await store!.getLease(thread), undefined);
          const lease = await store!.acquireLease(thread, { owner: 'run-a', ttlMs, now: t0 });
          assert.deepEqual(lease, { threadId: thread, owner: 'run-a', expiresAt: t0 + ttlMs });
          assert.deepEqual(await other!.getLease(thread), lease);
          assert.equal(
            await other!.renewLease(thread, { owner: 'run-a', ttlMs, now: t0 + 10_000 }),
            true,
          );
          assert.equal((await store!.getLease(thread))?.expiresAt, t0 + 10_000 + ttlMs);
          // Acquiring again as the holder renews too.
          const again = await other!.acquireLease(thread, {
            owner: 'run-a',
            ttlMs,
            now: t0 + 20_000,
          });
          assert.equal(again.expiresAt, t0 + 20_000 + ttlMs);
          // Renewing a thread never leased, or as someone else, changes nothing.
          assert.equal(
            await store!.renewLease(threadId('never'), { owner: 'run-a', ttlMs, now: t0 }),
            false,
          );
          assert.equal(await store!.renewLease(thread, { owner: 'run-b', ttlMs, now: t0 }), false);
          assert.equal((await store!.getLease(thread))?.owner, 'run-a');
        }),
    },
    {
      name: 'renews many leases in one call: those their owners hold, and only those (renewLeases, where the store has it)',
      run: () =>
        withStores(2, async ([store, other]) => {
          if (!store!.renewLeases) return;
          const held = [threadId('many-a'), threadId('many-b')];
          const taken = threadId('many-taken');
          const released = threadId('many-released');
          for (const thread of [...held, taken, released]) {
            await store!.acquireLease(thread, { owner: `run-${thread}`, ttlMs, now: t0 });
          }
          await other!.acquireLease(taken, { owner: 'rival', ttlMs, now: t0, force: true });
          await other!.releaseLease(released, `run-${released}`);
          const now = t0 + 10_000;
          const renewed = await other!.renewLeases!(
            [...held, taken, released, threadId('many-never')].map((thread) => ({
              threadId: thread,
              owner: `run-${thread}`,
            })),
            { ttlMs, now },
          );
          assert.deepEqual([...renewed].sort(), [...held].sort());
          for (const thread of held) {
            assert.equal((await store!.getLease(thread))?.expiresAt, now + ttlMs);
          }
          assert.deepEqual(await store!.getLease(taken), {
            threadId: taken,
            owner: 'rival',
            expiresAt: t0 + ttlMs,
          });
          assert.equal((await store!.getLease(released))?.expiresAt, 0);
          assert.deepEqual(await store!.renewLeases!([], { ttlMs, now }), []);
          assertCode(
            await rejection(
              store!.renewLeases!([{ threadId: held[0]!, owner: '' }], { ttlMs, now }),
              'a lease without an owner',
              makeError.leaseOptions,
            ),
            'definition.invalid_option',
            undefined,
            makeError.leaseOptions,
          );
        }),
    },
    {
      name: "refuses another owner's live lease with checkpoint.lease_held, naming the holder",
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('held');
          await store!.acquireLease(thread, { owner: 'run-a', ttlMs, now: t0 });
          const held = await rejection(
            other!.acquireLease(thread, { owner: 'run-b', ttlMs, now: t0 + ttlMs - 1 }),
            'taking a live lease',
          );
          assertCode(held, 'checkpoint.lease_held', /run "run-a"/, makeError.leaseHeld);
          assert.match(held.message, /force/);
          assert.equal((held as { threadId?: string }).threadId, thread);
          assert.deepEqual(await store!.getLease(thread), {
            threadId: thread,
            owner: 'run-a',
            expiresAt: t0 + ttlMs,
          });
        }),
    },
    {
      name: 'lets another owner take an expired lease; the old holder can no longer renew it',
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('expired');
          await store!.acquireLease(thread, { owner: 'run-a', ttlMs, now: t0 });
          // A lease is live while expiresAt > now: at expiresAt it is free.
          const taken = await other!.acquireLease(thread, {
            owner: 'run-b',
            ttlMs,
            now: t0 + ttlMs,
          });
          assert.deepEqual(taken, { threadId: thread, owner: 'run-b', expiresAt: t0 + 2 * ttlMs });
          assert.equal(
            await store!.renewLease(thread, { owner: 'run-a', ttlMs, now: t0 + ttlMs + 1 }),
            false,
          );
          assert.equal((await store!.getLease(thread))?.owner, 'run-b');
        }),
    },
    {
      name: 'renews an expired lease nobody else took',
      run: () =>
        withStores(1, async ([store]) => {
          const thread = threadId('late-renew');
          await store!.acquireLease(thread, { owner: 'run-a', ttlMs, now: t0 });
          assert.equal(
            await store!.renewLease(thread, { owner: 'run-a', ttlMs, now: t0 + 5 * ttlMs }),
            true,
          );
          assert.equal((await store!.getLease(thread))?.expiresAt, t0 + 6 * ttlMs);
        }),
    },
    {
      name: 'takes a live lease by force',
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('force');
          await store!.acquireLease(thread, { owner: 'run-a', ttlMs, now: t0 });
          const forced = await other!.acquireLease(thread, {
            owner: 'run-b',
            ttlMs,
            now: t0 + 1,
            force: true,
          });
          assert.deepEqual(forced, { threadId: thread, owner: 'run-b', expiresAt: t0 + 1 + ttlMs });
          assert.equal(
            await store!.renewLease(thread, { owner: 'run-a', ttlMs, now: t0 + 2 }),
            false,
          );
        }),
    },
    {
      name: 'takes a live lease over from the owner it names, and only from that owner',
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('take-over');
          await store!.acquireLease(thread, { owner: 'dead', ttlMs, now: t0 });
          const first = await other!.acquireLease(thread, {
            owner: 'run-b',
            ttlMs,
            now: t0 + 1,
            takeOverFrom: 'dead',
          });
          assert.deepEqual(first, { threadId: thread, owner: 'run-b', expiresAt: t0 + 1 + ttlMs });
          // A second take-over from the same dead owner finds run-b holding the thread.
          const second = await rejection(
            store!.acquireLease(thread, {
              owner: 'run-c',
              ttlMs,
              now: t0 + 2,
              takeOverFrom: 'dead',
            }),
            'a second take-over from an owner that no longer holds the thread',
          );
          assertCode(
            second,
            'checkpoint.lease_held',
            /taken over by run "run-b"/,
            makeError.leaseHeld,
          );
          assert.equal((await store!.getLease(thread))?.owner, 'run-b');
          // A free thread is taken as without the option.
          const free = threadId('take-over-free');
          const taken = await store!.acquireLease(free, {
            owner: 'run-d',
            ttlMs,
            now: t0,
            takeOverFrom: 'dead',
          });
          assert.equal(taken.owner, 'run-d');
        }),
    },
    {
      name: 'releases a lease so another owner takes it at once; a released lease cannot be renewed',
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('release');
          await store!.acquireLease(thread, { owner: 'run-a', ttlMs, now: t0 });
          // Only the holder can release it.
          await other!.releaseLease(thread, 'run-b');
          await rejection(
            other!.acquireLease(thread, { owner: 'run-b', ttlMs, now: t0 + 1 }),
            'taking a lease its holder still has',
          );
          await store!.releaseLease(thread, 'run-a');
          assert.deepEqual(await other!.getLease(thread), {
            threadId: thread,
            owner: 'run-a',
            expiresAt: 0,
          });
          assert.equal(
            await store!.renewLease(thread, { owner: 'run-a', ttlMs, now: t0 + 2 }),
            false,
          );
          const taken = await other!.acquireLease(thread, { owner: 'run-b', ttlMs, now: t0 + 3 });
          assert.equal(taken.owner, 'run-b');
          // Releasing a thread never leased is a no-op.
          await store!.releaseLease(threadId('never-leased'), 'run-a');
        }),
    },
    {
      name: "refuses journal writes and checkpoints of a run that lost its lease, and takes the new holder's",
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('takeover');
          await store!.acquireLease(thread, { owner: 'run-a', ttlMs, now: t0 });
          await store!.save(checkpointAt(thread, 1, 'run-a'));
          await store!.putEffect(entryOf(thread, 'k1', 'started'), { owner: 'run-a' });
          await other!.acquireLease(thread, { owner: 'run-b', ttlMs, now: t0 + 1, force: true });
          // The old holder may not record a result, start an effect, or write a checkpoint.
          const result = await rejection(
            store!.putEffect(entryOf(thread, 'k1', 'completed'), { owner: 'run-a' }),
            'a result of the run that lost its lease',
          );
          assertCode(
            result,
            'checkpoint.conflict',
            /run "run-b" holds its lease/,
            makeError.fenced,
          );
          assertCode(
            await rejection(
              store!.putEffect(entryOf(thread, 'k2', 'started'), { owner: 'run-a' }),
              'an intent of the run that lost its lease',
            ),
            'checkpoint.conflict',
          );
          const checkpoint = await rejection(
            store!.save(checkpointAt(thread, 2, 'run-a')),
            'a checkpoint of the run that lost its lease',
          );
          assertCode(
            checkpoint,
            'checkpoint.conflict',
            /run "run-b" holds its lease/,
            makeError.fenced,
          );
          assert.equal((await other!.getEffect(thread, 'k1'))?.status, 'started');
          assert.equal(await other!.getEffect(thread, 'k2'), undefined);
          assert.equal((await other!.latest(thread))?.version, 1);
          // The new holder writes, even over a checkpoint that names the old owner.
          await other!.save(checkpointAt(thread, 2, 'run-b'));
          await other!.putEffect(entryOf(thread, 'k1', 'completed'), { owner: 'run-b' });
          assert.equal((await store!.getEffect(thread, 'k1'))?.status, 'completed');
        }),
    },
    {
      name: "keeps fencing the old holder after the new holder's lease expires",
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('stale');
          await store!.acquireLease(thread, { owner: 'run-a', ttlMs, now: t0 });
          await other!.acquireLease(thread, { owner: 'run-b', ttlMs, now: t0 + ttlMs });
          // run-b died long ago; run-a wakes up and tries to go on.
          assertCode(
            await rejection(
              store!.putEffect(entryOf(thread, 'k', 'started'), { owner: 'run-a' }),
              'a write of a holder whose lease was taken',
            ),
            'checkpoint.conflict',
          );
          assert.equal(
            await store!.renewLease(thread, { owner: 'run-a', ttlMs, now: t0 + 9 * ttlMs }),
            false,
          );
          // It must take the lease again, like anyone, before it writes.
          await store!.acquireLease(thread, { owner: 'run-a', ttlMs, now: t0 + 9 * ttlMs });
          await store!.putEffect(entryOf(thread, 'k', 'started'), { owner: 'run-a' });
        }),
    },
    {
      name: 'refuses a lease without an owner or with a ttl that is not positive',
      run: () =>
        withStores(1, async ([store]) => {
          const thread = threadId('invalid');
          for (const options of [
            { owner: '', ttlMs, now: t0 },
            { owner: 'run-a', ttlMs: 0, now: t0 },
            { owner: 'run-a', ttlMs: Number.NaN, now: t0 },
          ]) {
            assertCode(
              await rejection(
                store!.acquireLease(thread, options),
                `a lease with ${JSON.stringify(options)}`,
                makeError.leaseOptions,
              ),
              'definition.invalid_option',
              undefined,
              makeError.leaseOptions,
            );
          }
          assert.equal(await store!.getLease(thread), undefined);
        }),
    },
  ];
}
