import assert from 'node:assert/strict';
import type { ConformanceCase, ConformanceContext } from './context';
import { assertCode, checkpointAt, entryOf, makeError, rejection } from './fixtures';

/** The effect journal: put, get, list, and fencing by the owner of the latest checkpoint. */
export function journalCases({ threadId, withStores }: ConformanceContext): ConformanceCase[] {
  return [
    {
      name: 'records an effect intent and its result under one key, listed in first-written order',
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('journal');
          assert.equal(await store!.getEffect(thread, 'a'), undefined);
          assert.deepEqual(await store!.listEffects(thread), []);
          await store!.putEffect(entryOf(thread, 'a', 'started'));
          await store!.putEffect(entryOf(thread, 'b', 'started'));
          await store!.putEffect(entryOf(thread, 'c', 'started'));
          await store!.putEffect(entryOf(thread, 'a', 'completed'));
          await store!.putEffect(entryOf(thread, 'c', 'failed'));
          assert.deepEqual(await store!.getEffect(thread, 'a'), entryOf(thread, 'a', 'completed'));
          assert.deepEqual(await other!.getEffect(thread, 'c'), entryOf(thread, 'c', 'failed'));
          assert.deepEqual(await other!.listEffects(thread), [
            entryOf(thread, 'a', 'completed'),
            entryOf(thread, 'b', 'started'),
            entryOf(thread, 'c', 'failed'),
          ]);
          assert.deepEqual(await store!.listEffects(threadId('journal-empty')), []);
        }),
    },
    {
      name: 'fences journal writes by the owner of the latest checkpoint on a thread never leased',
      run: () =>
        withStores(2, async ([store, other]) => {
          const thread = threadId('fence-owner');
          // Before any checkpoint and lease, a write naming an owner is refused: a run's thread
          // has one of them before its first journal write, so it was erased (ADR 0084).
          assertCode(
            await rejection(
              store!.putEffect(entryOf(thread, 'k0', 'started'), { owner: 'run-a' }),
              'a journal write to a thread with no checkpoint and no lease',
            ),
            'checkpoint.conflict',
            /is not in the store/,
          );
          // With a checkpoint, its journal may go with it (it creates the thread); while the
          // latest names this owner, writes go through.
          if (store!.saveWithJournal) {
            await store!.saveWithJournal(checkpointAt(thread, 1, 'run-a'), [
              entryOf(thread, 'k0', 'started'),
            ]);
          } else {
            await store!.save(checkpointAt(thread, 1, 'run-a'));
            await store!.putEffect(entryOf(thread, 'k0', 'started'), { owner: 'run-a' });
          }
          await store!.putEffect(entryOf(thread, 'k1', 'started'), { owner: 'run-a' });
          // Another process takes the thread over by writing the next checkpoint.
          await other!.save(checkpointAt(thread, 2, 'run-b'));
          const fenced = await rejection(
            store!.putEffect(entryOf(thread, 'k2', 'started'), { owner: 'run-a' }),
            'a journal write of the old owner',
          );
          assertCode(fenced, 'checkpoint.conflict', /taken over by another run/, makeError.fenced);
          assertCode(
            fenced,
            'checkpoint.conflict',
            /checkpoint 2 names another owner/,
            makeError.fenced,
          );
          assert.equal((fenced as { threadId?: string }).threadId, thread);
          assert.equal(await other!.getEffect(thread, 'k2'), undefined);
          // An update of an old entry is fenced too: it would record a result nobody owns.
          await rejection(
            store!.putEffect(entryOf(thread, 'k1', 'completed'), { owner: 'run-a' }),
            'a result of the old owner',
          );
          assert.equal((await other!.getEffect(thread, 'k1'))?.status, 'started');
          await other!.putEffect(entryOf(thread, 'k2', 'started'), { owner: 'run-b' });
          // A write that names no owner is not fenced.
          await store!.putEffect(entryOf(thread, 'k3', 'started'));
          assert.deepEqual(
            (await other!.listEffects(thread)).map((item) => item.key),
            ['k0', 'k1', 'k2', 'k3'],
          );
        }),
    },
    {
      name: 'saves a checkpoint with journal results in one write: all of it, or none (saveWithJournal, where the store has it)',
      run: () =>
        withStores(2, async ([store, other]) => {
          if (!store!.saveWithJournal) return;
          const thread = threadId('with-journal');
          await store!.acquireLease(thread, { owner: 'run-a', ttlMs: 30_000, now: 1_000 });
          await store!.putEffect(entryOf(thread, 'a', 'started'), { owner: 'run-a' });
          await store!.saveWithJournal(checkpointAt(thread, 1, 'run-a'), [
            entryOf(thread, 'a', 'completed'),
            entryOf(thread, 'b', 'completed'),
          ]);
          assert.equal((await other!.latest(thread))?.version, 1);
          assert.deepEqual(
            (await other!.listEffects(thread)).map((item) => [item.key, item.status]),
            [
              ['a', 'completed'],
              ['b', 'completed'],
            ],
          );
          // A save that loses its compare-and-set stores none of its results either.
          const lost = await rejection(
            store!.saveWithJournal(checkpointAt(thread, 1, 'run-a'), [
              entryOf(thread, 'c', 'completed'),
            ]),
            'a save of a version already stored',
          );
          assertCode(lost, 'checkpoint.conflict');
          assert.equal(await other!.getEffect(thread, 'c'), undefined);
          // Nor does one whose results are fenced: another owner took the thread.
          await other!.acquireLease(thread, {
            owner: 'run-b',
            ttlMs: 30_000,
            now: 2_000,
            force: true,
          });
          await other!.save(checkpointAt(thread, 2, 'run-b'));
          const fenced = await rejection(
            store!.saveWithJournal(checkpointAt(thread, 3, 'run-a'), [
              entryOf(thread, 'd', 'completed'),
            ]),
            'a save of the old owner',
          );
          assertCode(fenced, 'checkpoint.conflict');
          assert.equal((await other!.latest(thread))?.version, 2);
          assert.equal(await other!.getEffect(thread, 'd'), undefined);
        }),
    },
    {
      name: 'records several entries in one write: all of them, or none (putEffects, where the store has it)',
      run: () =>
        withStores(2, async ([store, other]) => {
          if (!store!.putEffects) return;
          const thread = threadId('put-many');
          await store!.putEffects([], { owner: 'run-a' });
          await store!.save(checkpointAt(thread, 1, 'run-a'));
          await store!.putEffect(entryOf(thread, 'a', 'started'), { owner: 'run-a' });
          await store!.putEffects(
            [entryOf(thread, 'a', 'completed'), entryOf(thread, 'b', 'started')],
            {
              owner: 'run-a',
            },
          );
          assert.deepEqual(
            (await other!.listEffects(thread)).map((item) => [item.key, item.status]),
            [
              ['a', 'completed'],
              ['b', 'started'],
            ],
          );
          // Another process takes the thread over: a write of the old owner stores nothing,
          // not even an entry of a thread nobody fences (its checkpoint names no owner).
          await other!.save(checkpointAt(thread, 2, 'run-b'));
          const free = threadId('put-many-free');
          await other!.save(checkpointAt(free, 1));
          const fenced = await rejection(
            store!.putEffects([entryOf(free, 'x', 'started'), entryOf(thread, 'b', 'completed')], {
              owner: 'run-a',
            }),
            'a write of the old owner',
          );
          assertCode(fenced, 'checkpoint.conflict', /taken over by another run/, makeError.fenced);
          assert.equal((await other!.getEffect(thread, 'b'))?.status, 'started');
          assert.equal(await other!.getEffect(free, 'x'), undefined);
        }),
    },
    {
      name: 'keeps the writes of concurrent runs apart: one refused write does not undo the others',
      run: () =>
        withStores(1, async ([store]) => {
          const threads = [threadId('together-a'), threadId('together-b'), threadId('together-c')];
          for (const thread of threads) await store!.save(checkpointAt(thread, 1));
          // Issued together, as concurrent runs issue them; the middle one is out of order.
          const outcomes = await Promise.allSettled([
            store!.save(checkpointAt(threads[0]!, 2)),
            store!.save(checkpointAt(threads[1]!, 3)),
            store!.putEffect(entryOf(threads[2]!, 'k', 'started')),
            store!.save(checkpointAt(threads[2]!, 2)),
          ]);
          assert.deepEqual(
            outcomes.map((outcome) => outcome.status),
            ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
          );
          assert.equal((await store!.latest(threads[0]!))?.version, 2);
          assert.equal((await store!.latest(threads[1]!))?.version, 1);
          assert.equal((await store!.latest(threads[2]!))?.version, 2);
          assert.equal((await store!.getEffect(threads[2]!, 'k'))?.status, 'started');
        }),
    },
  ];
}
