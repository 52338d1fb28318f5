import assert from 'node:assert/strict';
import type { ConformanceCase, ConformanceContext } from './context';
import { assertCode, checkpointAt, makeError, rejection } from './fixtures';

/** Checkpoints: save, compare-and-set, latest, get, list, and recovery past a corrupt one. */
export function checkpointCases({
  threadId,
  withStores,
  corruptCheckpoint,
}: ConformanceContext): ConformanceCase[] {
  const cases: ConformanceCase[] = [
    {
      name: 'saves checkpoints and reads back the latest, any version and the history',
      run: () =>
        withStores(1, async ([store]) => {
          const thread = threadId('save');
          assert.equal(await store!.latest(thread), undefined);
          assert.deepEqual(await store!.list(thread), []);
          for (const version of [1, 2, 3]) await store!.save(checkpointAt(thread, version));
          assert.deepEqual(await store!.latest(thread), checkpointAt(thread, 3));
          assert.deepEqual(await store!.get(thread, 2), checkpointAt(thread, 2));
          assert.deepEqual(await store!.get(thread, 1), checkpointAt(thread, 1));
          assert.equal(await store!.get(thread, 4), undefined);
          const history = await store!.list(thread);
          assert.deepEqual(
            history.map(({ threadId: id, version, machineVersion, status, createdAt }) => ({
              id,
              version,
              machineVersion,
              status,
              createdAt,
            })),
            [1, 2, 3].map((version) => ({
              id: thread,
              version,
              machineVersion: 'm1',
              status: version === 3 ? 'waiting' : 'running',
              createdAt: 1_700_000_000_000 + version,
            })),
          );
        }),
    },
    {
      name: 'keeps what was saved: changing a checkpoint after save or after a read changes nothing stored',
      run: () =>
        withStores(1, async ([store]) => {
          const thread = threadId('copy');
          const written = checkpointAt(thread, 1);
          await store!.save(written);
          (written.snapshot as { value: string }).value = 'changed after save';
          const read = await store!.latest(thread);
          (read!.run.usage as { steps: number }).steps = 99;
          assert.deepEqual(await store!.latest(thread), checkpointAt(thread, 1));
        }),
    },
    {
      name: 'refuses a stale or skipped version with checkpoint.conflict, and a second version 1',
      run: () =>
        withStores(1, async ([store]) => {
          const thread = threadId('cas');
          await store!.save(checkpointAt(thread, 1));
          await store!.save(checkpointAt(thread, 2));
          const stale = await rejection(store!.save(checkpointAt(thread, 2)), 'a stale version');
          assertCode(stale, 'checkpoint.conflict', /is at checkpoint 2\b/, makeError.conflict);
          assert.equal((stale as { threadId?: string }).threadId, thread);
          const skipped = await rejection(
            store!.save(checkpointAt(thread, 4)),
            'a skipped version',
          );
          assertCode(skipped, 'checkpoint.conflict', undefined, makeError.conflict);
          const again = await rejection(store!.save(checkpointAt(thread, 1)), 'a second version 1');
          assertCode(again, 'checkpoint.conflict', /already exists/, makeError.conflict);
          assert.deepEqual(
            (await store!.list(thread)).map((item) => item.version),
            [1, 2],
          );
          assert.deepEqual(await store!.latest(thread), checkpointAt(thread, 2));
        }),
    },
    {
      name: 'keeps threads apart',
      run: () =>
        withStores(1, async ([store]) => {
          const first = threadId('apart-a');
          const second = threadId('apart-b');
          await store!.save(checkpointAt(first, 1));
          await store!.save(checkpointAt(first, 2));
          await store!.save(checkpointAt(second, 1));
          assert.equal((await store!.latest(first))?.version, 2);
          assert.equal((await store!.latest(second))?.version, 1);
          assert.equal(await store!.get(second, 2), undefined);
        }),
    },
  ];
  if (corruptCheckpoint) {
    cases.push({
      name: 'reads back past a corrupt newest checkpoint, marking the checkpoint recovered',
      run: () =>
        withStores(1, async ([store]) => {
          const thread = threadId('corrupt');
          for (const version of [1, 2, 3, 4]) await store!.save(checkpointAt(thread, version));
          await corruptCheckpoint(store!, thread, 4);
          const latest = await store!.latest(thread);
          assert.equal(latest?.version, 3);
          assert.deepEqual(latest?.snapshot, checkpointAt(thread, 3).snapshot);
          assert.equal(latest?.recovered?.headVersion, 4);
          assert.deepEqual(
            latest?.recovered?.unreadable.map((item) => item.version),
            [4],
          );
          assertCode(
            await rejection(store!.get(thread, 4), 'reading a corrupt checkpoint'),
            'checkpoint.corrupt',
          );
          assert.deepEqual(await store!.get(thread, 2), checkpointAt(thread, 2));
          // The thread goes on after its head: the next version follows the unreadable one.
          await store!.save(checkpointAt(thread, 5));
          assert.equal((await store!.latest(thread))?.version, 5);
        }),
    });
  }
  return cases;
}
