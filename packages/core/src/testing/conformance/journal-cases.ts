import assert from 'node:assert/strict';
import type { ConformanceCase, ConformanceContext } from './context';
import { assertCode, checkpointAt, entryOf, rejection } from './fixtures';

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
          // Before any checkpoint, and while the latest names this owner, writes go through.
          await store!.putEffect(entryOf(thread, 'k0', 'started'), { owner: 'run-a' });
          await store!.save(checkpointAt(thread, 1, 'run-a'));
          await store!.putEffect(entryOf(thread, 'k1', 'started'), { owner: 'run-a' });
          // Another process takes the thread over by writing the next checkpoint.
          await other!.save(checkpointAt(thread, 2, 'run-b'));
          const fenced = await rejection(
            store!.putEffect(entryOf(thread, 'k2', 'started'), { owner: 'run-a' }),
            'a journal write of the old owner',
          );
          assertCode(fenced, 'checkpoint.conflict', /taken over by another run/);
          assert.match(fenced.message, /checkpoint 2 names another owner/);
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
  ];
}
