import assert from 'node:assert/strict';
import type { RunLog } from '../../run-log/types';
import type { Checkpoint, Checkpointer, RunStatus } from '../../store/types';
import type { ConformanceCase, ConformanceContext } from './context';
import { assertCode, checkpointAt, entryOf, rejection } from './fixtures';
import { modelCallEntry } from './run-log-cases';

/** A checkpoint resting in `status`, of `tenantId` when given, waking at `wakeAt`. */
function restingIn(
  threadId: string,
  version: number,
  status: RunStatus,
  { tenantId, wakeAt, parent }: { tenantId?: string; wakeAt?: number; parent?: string } = {},
): Checkpoint {
  const base = checkpointAt(threadId, version);
  return {
    ...base,
    run: {
      ...base.run,
      status,
      ...(tenantId === undefined ? {} : { tenantId }),
      ...(parent === undefined ? {} : { parentThreadId: parent }),
    },
    ...(wakeAt === undefined ? {} : { wakeAt }),
  };
}

/** Saves versions 1..`last.version` of a thread, the last one `last`. */
async function saveUpTo(store: Checkpointer, last: Checkpoint): Promise<void> {
  for (let version = 1; version < last.version; version++) {
    await store.save({ ...checkpointAt(last.threadId, version), run: last.run });
  }
  await store.save(last);
}

/** A child agent's thread of `parent`, as `agentActor` names it (`<parent>/<effect key>`). */
const childOf = (parent: string, occurrence = 0) => `${parent}/0.parent.delegating#${occurrence}`;

/**
 * Stores that erase whole threads (an erasure request) and find a tenant's threads. Each
 * method is optional: a store without it skips its cases.
 */
export function eraseCases(
  { threadId, withStores }: ConformanceContext,
  { required }: { required: boolean },
): ConformanceCase[] {
  /** Whether to run a case of `method`: a store told to have it fails without it. */
  const has = (store: Checkpointer, method: 'erase' | 'listTenantThreads') => {
    if (store[method]) return true;
    assert.ok(!required, `the store has no ${method}; leave out erase: true, or implement it`);
    return false;
  };
  return [
    {
      name: 'erases threads entirely with their child agents’ threads at any depth, waiting ones too, and nothing else (erase, where the store has it)',
      run: () =>
        withStores(2, async ([store, other]) => {
          if (!has(store!, 'erase')) return;
          const root = threadId('erase-root');
          const child = childOf(root);
          const grandchild = `${child}/0.child.checking#1`;
          const waiting = threadId('erase-waiting');
          const kept = threadId('erase-kept');
          // Only a `/` in its id: another thread, not a child agent's.
          const slashed = `${root}/notes`;
          await store!.putEffect(modelCallEntry(root, 'k1', 'completed'));
          await saveUpTo(store!, restingIn(root, 2, 'done'));
          await store!.putEffect(entryOf(child, 'k', 'completed'));
          await saveUpTo(store!, restingIn(child, 1, 'done', { parent: root }));
          await saveUpTo(store!, restingIn(grandchild, 1, 'done', { parent: child }));
          // A lease given up (a run that ended) and one that lapsed (its process died).
          await store!.acquireLease(root, { owner: 'r1', ttlMs: 1_000, now: 10 });
          await store!.releaseLease(root, 'r1');
          await store!.acquireLease(child, { owner: 'r2', ttlMs: 1_000, now: 10 });
          await store!.putEffect(entryOf(waiting, 'k', 'started'));
          await saveUpTo(store!, restingIn(waiting, 1, 'waiting', { wakeAt: 1_500 }));
          await saveUpTo(store!, restingIn(kept, 1, 'done'));
          await saveUpTo(store!, restingIn(slashed, 1, 'done'));

          const dry = await other!.erase!([root, waiting], { now: 5_000, dryRun: true });
          assert.deepEqual(dry, {
            threadIds: [grandchild, child, ...[root, waiting].sort()],
            threads: 4,
            checkpoints: 5,
            effects: 3,
            batches: 0,
            dryRun: true,
          });
          assert.equal((await store!.latest(grandchild))?.run.status, 'done');

          const erased = await other!.erase!([root, waiting, root], { now: 5_000, batchSize: 2 });
          assert.deepEqual(erased, { ...dry, batches: 2, dryRun: false });
          const log = (store as Partial<RunLog>).listEffectLog?.bind(store);
          for (const thread of [root, child, grandchild, waiting]) {
            assert.equal(await store!.latest(thread), undefined, `${thread} is erased`);
            assert.deepEqual(await store!.list(thread), []);
            assert.deepEqual(await store!.listEffects(thread), []);
            assert.equal(await store!.getLease(thread), undefined);
            if (log) assert.deepEqual(await log({ threadId: thread }), []);
          }
          if (store!.listDue) {
            const due = await store!.listDue({ now: 10_000, limit: 10_000 });
            assert.ok(!due.some((item) => item.threadId === waiting));
          }
          if (store!.listThreads) {
            const left = (await store!.listThreads()).map((item) => item.threadId);
            assert.ok(!left.includes(root) && !left.includes(child));
          }
          assert.equal((await store!.latest(kept))?.run.status, 'done');
          assert.equal((await store!.latest(slashed))?.run.status, 'done');
          // Nothing left to erase, and an id never stored: no error, nothing deleted.
          const again = await other!.erase!([root, threadId('erase-never')], { now: 5_000 });
          assert.deepEqual(
            { ...again, threadIds: [] },
            {
              threadIds: [],
              threads: 0,
              checkpoints: 0,
              effects: 0,
              batches: 1,
              dryRun: false,
            },
          );
        }),
    },
    {
      name: 'refuses to erase a thread whose lease, or whose child’s, a live run holds, and deletes nothing (erase, where the store has it)',
      run: () =>
        withStores(2, async ([store, other]) => {
          if (!has(store!, 'erase')) return;
          const root = threadId('erase-live');
          const child = childOf(root);
          const quiet = threadId('erase-live-other');
          await store!.putEffect(entryOf(root, 'k', 'completed'));
          await saveUpTo(store!, restingIn(root, 1, 'waiting'));
          await saveUpTo(store!, restingIn(child, 1, 'running', { parent: root }));
          await saveUpTo(store!, restingIn(quiet, 1, 'done'));
          await store!.acquireLease(child, { owner: 'r-child', ttlMs: 60_000, now: 1_000 });
          await store!.acquireLease(root, { owner: 'r-root', ttlMs: 60_000, now: 1_000 });
          const refused = await rejection(
            other!.erase!([quiet, root], { now: 2_000, batchSize: 1 }),
            'erasing a thread whose child a live run holds',
          );
          assertCode(refused, 'checkpoint.lease_held', /run "r-child"[\s\S]*Nothing was erased/);
          assert.match(refused.message, /^Not erased: live runs hold the leases of threads/);
          assert.equal((refused as { threadId?: string }).threadId, child);
          for (const thread of [root, child, quiet]) {
            assert.ok(await store!.latest(thread), `${thread} is kept`);
          }
          assert.equal((await store!.listEffects(root)).length, 1);
          assert.equal((await store!.getLease(child))?.owner, 'r-child');
          // Once the lease has lapsed (its process died), the family goes.
          const erased = await other!.erase!([root], { now: 61_001 });
          assert.deepEqual(erased.threadIds, [child, root]);
          assert.equal(await store!.latest(child), undefined);
        }),
    },
    {
      name: 'refuses the journal writes of a run whose lease lapsed once its thread is erased: the erased data does not come back (erase, where the store has it)',
      run: () =>
        withStores(2, async ([store, other]) => {
          if (!has(store!, 'erase')) return;
          const thread = threadId('erase-lapsed');
          const never = threadId('erase-lapsed-never');
          // A run that took its thread with its first checkpoint, then stalled (a long GC, a
          // machine asleep) past its lease: the erase finds the lease lapsed and goes on.
          await store!.acquireLease(thread, { owner: 'r-stalled', ttlMs: 1_000, now: 1_000 });
          await store!.save(checkpointAt(thread, 1, 'r-stalled'));
          await store!.putEffect(entryOf(thread, 'k0', 'started'), { owner: 'r-stalled' });
          await other!.erase!([thread], { now: 5_000 });
          // It wakes up and records what it was doing: an intent, a result, several at once.
          const writes = [
            () => store!.putEffect(entryOf(thread, 'k0', 'completed'), { owner: 'r-stalled' }),
            () => store!.putEffect(entryOf(thread, 'k1', 'started'), { owner: 'r-stalled' }),
            () =>
              store!.putEffects
                ? store!.putEffects(
                    [entryOf(thread, 'k2', 'completed'), entryOf(thread, 'k3', 'started')],
                    { owner: 'r-stalled' },
                  )
                : store!.putEffect(entryOf(thread, 'k2', 'completed'), { owner: 'r-stalled' }),
            () => store!.putEffect(entryOf(never, 'k', 'started'), { owner: 'r-stalled' }),
          ];
          for (const write of writes) {
            const refused = await rejection(write(), 'a journal write to a thread erased under it');
            assertCode(refused, 'checkpoint.conflict', /is not in the store[\s\S]*erased/);
          }
          // Its next checkpoint is refused as well (the thread's version is gone).
          await rejection(
            store!.save(checkpointAt(thread, 2, 'r-stalled')),
            'a checkpoint to a thread erased under it',
          );
          assert.deepEqual(await other!.listEffects(thread), []);
          assert.deepEqual(await other!.listEffects(never), []);
          const log = (other as Partial<RunLog>).listEffectLog?.bind(other);
          if (log) assert.deepEqual(await log({ threadId: thread }), []);
          // A new run may start the id again: its first checkpoint (with its journal) makes it.
          await store!.acquireLease(thread, { owner: 'r-new', ttlMs: 1_000, now: 6_000 });
          await store!.putEffect(entryOf(thread, 'n0', 'started'), { owner: 'r-new' });
          assert.deepEqual(
            (await other!.listEffects(thread)).map((entry) => entry.key),
            ['n0'],
          );
        }),
    },
    {
      name: 'refuses erase options it would read differently (where the store has erase)',
      run: () =>
        withStores(1, async ([store]) => {
          if (!has(store!, 'erase')) return;
          const thread = threadId('erase-options');
          await saveUpTo(store!, restingIn(thread, 1, 'done'));
          for (const [ids, options, message] of [
            [[thread], { batchsize: 1 }, /batchsize is not an option/],
            [[thread], { batchSize: 0 }, /batchSize is 0/],
            [[thread], { now: Number.NaN }, /now is NaN/],
            [thread, {}, /threadIds is the string/],
            [[''], {}, /threadIds is/],
          ] as const) {
            const refused = await rejection(
              store!.erase!(ids as never, options as never),
              `erasing with ${JSON.stringify(options)}`,
            );
            assertCode(refused, 'definition.invalid_option', message);
          }
          assert.ok(await store!.latest(thread));
        }),
    },
    {
      name: 'lists a tenant’s threads: those whose checkpoints name it, with or without run log rows, and those the run log charges to it (listTenantThreads, where the store has it)',
      run: () =>
        withStores(2, async ([store, other]) => {
          if (!has(store!, 'listTenantThreads')) return;
          const tenant = `${threadId('tenant')}-acme`;
          const quiet = threadId('tenant-no-log');
          const busy = threadId('tenant-logged');
          const charged = threadId('tenant-charged-only');
          const stranger = threadId('tenant-other');
          const none = threadId('tenant-none');
          // Checkpoints only: no journal, so no run log row names the tenant.
          await saveUpTo(store!, restingIn(quiet, 3, 'waiting', { tenantId: tenant }));
          await store!.putEffect(modelCallEntry(busy, 'k1', 'completed', { tenantId: tenant }));
          await saveUpTo(store!, restingIn(busy, 1, 'done', { tenantId: tenant }));
          // A journal whose step is charged to the tenant, its checkpoints naming none.
          await store!.putEffect(modelCallEntry(charged, 'k1', 'completed', { tenantId: tenant }));
          await saveUpTo(store!, restingIn(charged, 1, 'done'));
          await saveUpTo(store!, restingIn(stranger, 1, 'done', { tenantId: `${tenant}-2` }));
          await saveUpTo(store!, restingIn(none, 1, 'done'));
          const hasLog = typeof (store as Partial<RunLog>).listEffectLog === 'function';
          const expected = [quiet, busy, ...(hasLog ? [charged] : [])].sort();
          // Pages of two threads: every page is read, not the first only.
          assert.deepEqual(await other!.listTenantThreads!(tenant, { batchSize: 2 }), expected);
          assert.deepEqual(await other!.listTenantThreads!(`${tenant}-3`), []);
          const refused = await rejection(
            other!.listTenantThreads!('', {}),
            'listing the threads of an empty tenant',
          );
          assertCode(refused, 'definition.invalid_option', /tenant id/);
          if (store!.erase) {
            await other!.erase!(expected, { now: 0 });
            assert.deepEqual(await other!.listTenantThreads!(tenant), []);
          }
        }),
    },
  ];
}
