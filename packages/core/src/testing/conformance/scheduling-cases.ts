import assert from 'node:assert/strict';
import type { RunLog } from '../../run-log/types';
import type { Checkpoint, Checkpointer, RunStatus } from '../../store/types';
import type { ConformanceCase, ConformanceContext } from './context';
import { assertCode, checkpointAt, entryOf, makeError, rejection } from './fixtures';

/** A checkpoint in `status`, written at `createdAt`, waking at `wakeAt` when given. */
function restingAt(
  threadId: string,
  version: number,
  status: RunStatus,
  { createdAt, wakeAt }: { createdAt: number; wakeAt?: number },
): Checkpoint {
  const base = checkpointAt(threadId, version);
  return {
    ...base,
    run: { ...base.run, status },
    createdAt,
    ...(wakeAt === undefined ? {} : { wakeAt }),
  };
}

/** Saves versions 1..`version` of a thread, the last one `last`. */
async function saveUpTo(store: Checkpointer, last: Checkpoint): Promise<void> {
  for (let version = 1; version < last.version; version++) {
    await store.save(checkpointAt(last.threadId, version));
  }
  await store.save(last);
}

/**
 * Stores that list threads, find the due ones by wake time, and prune ended ones. Each method
 * is optional: a store without it skips its cases.
 */
export function schedulingCases({ threadId, withStores }: ConformanceContext): ConformanceCase[] {
  return [
    {
      name: 'keeps a checkpoint’s wake time and lists waiting threads that are due, soonest first (listDue, where the store has it)',
      run: () =>
        withStores(2, async ([store, other]) => {
          const late = threadId('due-late');
          const early = threadId('due-early');
          const future = threadId('due-future');
          const working = threadId('due-running');
          await saveUpTo(store!, restingAt(late, 1, 'waiting', { createdAt: 10, wakeAt: 1_000 }));
          await saveUpTo(store!, restingAt(early, 2, 'waiting', { createdAt: 10, wakeAt: 500 }));
          await saveUpTo(store!, restingAt(future, 1, 'waiting', { createdAt: 10, wakeAt: 9_000 }));
          await saveUpTo(store!, restingAt(working, 1, 'running', { createdAt: 10, wakeAt: 100 }));
          assert.equal((await other!.latest(late))?.wakeAt, 1_000);
          // Every store keeps the wake time; only one with listDue is asked for the due threads.
          if (!store!.listDue) return;
          const mine = new Set([late, early, future, working]);
          const due = async (now: number, limit = 1_000) =>
            (await other!.listDue!({ now, limit })).filter((item) => mine.has(item.threadId));
          assert.deepEqual(await due(1_000), [
            { threadId: early, wakeAt: 500 },
            { threadId: late, wakeAt: 1_000 },
          ]);
          // Woken and advanced past its wait: no longer due.
          await store!.save(restingAt(early, 3, 'running', { createdAt: 20 }));
          assert.equal((await other!.latest(early))?.wakeAt, undefined);
          assert.deepEqual(await due(10_000), [
            { threadId: late, wakeAt: 1_000 },
            { threadId: future, wakeAt: 9_000 },
          ]);
        }),
    },
    {
      name: 'refuses listDue options the stores would read differently (where the store has listDue)',
      run: () =>
        withStores(1, async ([store]) => {
          if (!store!.listDue) return;
          // Before: -1 listed all but the last due thread in memory and all of them on SQLite,
          // 1.5 and a missing limit failed inside SQLite, NaN listed all in memory, none there.
          for (const [options, message] of [
            [{ now: 1_000, limit: -1 }, /limit is -1\. Give the most threads to list/],
            [{ now: 1_000, limit: 1.5 }, /limit is 1\.5\./],
            [{ now: 1_000 }, /limit is nothing\./],
            [{ now: Number.NaN, limit: 10 }, /now is NaN\. Give the current time/],
            [{ now: '9999', limit: 10 }, /now is the string "9999"\./],
            [{ now: 1_000, limit: 10, max: 5 }, /max is not an option/],
          ] as const) {
            const refused = await rejection(
              store!.listDue!(options as never),
              `listing due threads with ${JSON.stringify(options)}`,
            );
            assertCode(refused, 'definition.invalid_option', message, makeError.listDueOptions);
          }
        }),
    },
    {
      name: 'lists its threads with their newest version and status, by status too (listThreads, where the store has it)',
      run: () =>
        withStores(1, async ([store]) => {
          if (!store!.listThreads) return;
          const resting = threadId('list-waiting');
          const ended = threadId('list-done');
          await saveUpTo(store!, restingAt(resting, 2, 'waiting', { createdAt: 30 }));
          await saveUpTo(store!, restingAt(ended, 1, 'done', { createdAt: 40 }));
          const all = await store!.listThreads();
          assert.deepEqual(
            all.filter((item) => item.threadId === resting || item.threadId === ended),
            [
              { threadId: resting, version: 2, status: 'waiting', updatedAt: 30 },
              { threadId: ended, version: 1, status: 'done', updatedAt: 40 },
            ],
          );
          const done = await store!.listThreads({ status: 'done' });
          assert.ok(done.some((item) => item.threadId === ended));
          assert.ok(!done.some((item) => item.threadId === resting));
          // `'finished'` listed no thread and `statuss` every thread, both without a word.
          for (const [options, message] of [
            [{ status: 'finished' }, /status is the string "finished"\. Give one of 'running'/],
            [{ statuss: 'done' }, /statuss is not an option; did you mean status\?/],
          ] as const) {
            const refused = await rejection(
              store!.listThreads(options as never),
              `listing threads with ${JSON.stringify(options)}`,
            );
            assertCode(refused, 'definition.invalid_option', message, makeError.listThreadsOptions);
          }
        }),
    },
    {
      name: 'prunes ended threads older than a time in bounded batches, and nothing live or newer (prune, where the store has it)',
      run: () =>
        withStores(2, async ([store, other]) => {
          if (!store!.prune) return;
          const old = Array.from({ length: 5 }, (_, index) => threadId(`prune-old-${index}`));
          const oldFailed = threadId('prune-old-failed');
          const recent = threadId('prune-recent');
          const waiting = threadId('prune-waiting');
          for (const thread of old) {
            await store!.putEffect(entryOf(thread, 'k', 'completed'));
            await saveUpTo(store!, restingAt(thread, 2, 'done', { createdAt: 1 }));
          }
          await saveUpTo(store!, restingAt(oldFailed, 1, 'failed', { createdAt: 1 }));
          await saveUpTo(store!, restingAt(recent, 1, 'done', { createdAt: 8 }));
          await store!.putEffect(entryOf(waiting, 'k', 'started'));
          await saveUpTo(store!, restingAt(waiting, 1, 'waiting', { createdAt: 1, wakeAt: 1_500 }));
          // Older than anything the suite's other cases write, so only these are ended in time.
          const result = await other!.prune!({ before: 5, statuses: ['done'], batchSize: 2 });
          assert.deepEqual(result, { threads: 5, checkpoints: 10, effects: 5, batches: 3 });
          // A store's run log loses a pruned thread's rows with its journal.
          const log = (store as Partial<RunLog>).listEffectLog?.bind(store);
          for (const thread of old) {
            assert.equal(await store!.latest(thread), undefined);
            assert.deepEqual(await store!.listEffects(thread), []);
            if (log) assert.deepEqual(await log({ threadId: thread }), []);
          }
          if (log) assert.equal((await log({ threadId: waiting })).length, 1);
          assert.equal((await store!.latest(oldFailed))?.run.status, 'failed');
          assert.equal((await store!.latest(recent))?.run.status, 'done');
          assert.equal((await store!.listEffects(waiting)).length, 1);
          assert.equal((await store!.latest(waiting))?.wakeAt, 1_500);
          const failedToo = await other!.prune!({ before: 5, statuses: ['done', 'failed'] });
          assert.deepEqual(failedToo, { threads: 1, checkpoints: 1, effects: 0, batches: 1 });
          const refused = await rejection(
            other!.prune!({ before: 5, statuses: ['waiting' as 'done'] }),
            'pruning waiting threads',
          );
          assertCode(refused, 'definition.invalid_option', /never pruned/);
        }),
    },
    {
      name: 'refuses prune options that would make a retention job prune nothing, or more than meant, without a word (where the store has prune)',
      run: () =>
        withStores(1, async ([store]) => {
          if (!store!.prune) return;
          const thread = threadId('prune-refused');
          await saveUpTo(store!, restingAt(thread, 1, 'done', { createdAt: 1 }));
          // Each of these pruned nothing and reported all zeros, or pruned past its cap.
          const wrong: [object, RegExp][] = [
            [{ before: 5, statuses: ['done'], maxThreads: Number.NaN }, /maxThreads is NaN/],
            [{ before: 5, statuses: ['done'], maxThreads: -1 }, /maxThreads is -1/],
            [{ before: -1, statuses: ['done'] }, /before is -1/],
            [{ before: 5, statuses: ['done'], maxThread: 1 }, /maxThread is not an option/],
            [{ before: 5, statuses: 'done' }, /statuses is the string "done"/],
            // Named alone: it said "batchSize … and before …, got 500 and …" of a default.
            [{ before: 5, statuses: ['done'], batchSize: 0 }, /^prune: batchSize is 0\./],
          ];
          for (const [options, message] of wrong) {
            const refused = await rejection(
              store!.prune!(options as never),
              `pruning with ${JSON.stringify(options)}`,
            );
            assertCode(refused, 'definition.invalid_option', message);
          }
          assert.equal((await store!.latest(thread))?.run.status, 'done');
        }),
    },
    {
      name: 'keeps an ended child agent’s thread while its parent is running or waiting, and prunes it once the parent has ended (prune, where the store has it)',
      run: () =>
        withStores(2, async ([store, other]) => {
          if (!store!.prune) return;
          const running = threadId('prune-parent-running');
          const waiting = threadId('prune-parent-waiting');
          const ended = threadId('prune-parent-done');
          // A child agent's thread is `<parent>/<effect key>` (see agentActor).
          const childOf = (parent: string) => `${parent}/0.parent.delegating#0`;
          const asChild = (checkpoint: Checkpoint): Checkpoint => ({
            ...checkpoint,
            run: { ...checkpoint.run, parentThreadId: checkpoint.threadId.replace(/\/[^/]*$/, '') },
          });
          await saveUpTo(store!, restingAt(running, 1, 'running', { createdAt: 2 }));
          await saveUpTo(store!, restingAt(waiting, 1, 'waiting', { createdAt: 2 }));
          await saveUpTo(store!, restingAt(ended, 1, 'done', { createdAt: 2 }));
          for (const [parent, status] of [
            [running, 'done'],
            [waiting, 'failed'],
            [ended, 'done'],
          ] as const) {
            // Ended, and its parent has not journaled that yet (it died, or waits on more).
            await store!.putEffect(entryOf(childOf(parent), 'k', 'completed'));
            await saveUpTo(
              store!,
              asChild(restingAt(childOf(parent), 2, status, { createdAt: 1 })),
            );
          }
          // A grandchild whose parent (itself a child) has ended: its outcome is journaled there.
          const grandchild = `${childOf(running)}/0.child.checking#1`;
          await saveUpTo(store!, asChild(restingAt(grandchild, 1, 'done', { createdAt: 1 })));
          // A child whose parent is gone, and a thread that only has a `/` in its id.
          const orphan = childOf(threadId('prune-parent-gone'));
          await saveUpTo(store!, asChild(restingAt(orphan, 1, 'done', { createdAt: 1 })));
          const slashed = `${running}/notes`;
          await saveUpTo(store!, restingAt(slashed, 1, 'done', { createdAt: 1 }));

          const statuses = ['done', 'failed'] as const;
          await other!.prune!({ before: 5, statuses: [...statuses], batchSize: 1 });
          // Before, these went too, and the resumed parent ran its child again from the start.
          assert.equal((await store!.latest(childOf(running)))?.run.status, 'done');
          assert.equal((await store!.listEffects(childOf(running))).length, 1);
          assert.equal((await store!.latest(childOf(waiting)))?.run.status, 'failed');
          for (const thread of [ended, childOf(ended), grandchild, orphan, slashed]) {
            assert.equal(await store!.latest(thread), undefined, `${thread} is pruned`);
          }
          // Once the parents have ended, the family goes.
          await store!.save(restingAt(running, 2, 'done', { createdAt: 3 }));
          await store!.save(restingAt(waiting, 2, 'stopped', { createdAt: 3 }));
          await other!.prune!({ before: 5, statuses: [...statuses, 'stopped'] });
          for (const thread of [running, waiting, childOf(running), childOf(waiting)]) {
            assert.equal(await store!.latest(thread), undefined, `${thread} is pruned`);
          }
          assert.deepEqual(await store!.listEffects(childOf(running)), []);
        }),
    },
  ];
}
