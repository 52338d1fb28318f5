import { type Actor, createActor, toPromise, waitFor } from 'xstate';
import { SqliteSnapshotStore } from '../../stores/sqlite-snapshot-store';
import { tempDir } from '../../stores/temp-dir';
import { approvalMachine } from './approval-machine';
import { approval, checkApproved, type SuspendedVariant } from './suspended-variant';

/** Starts a run and resolves once it waits for the reply. */
async function startWaiting(id: string): Promise<Actor<typeof approvalMachine>> {
  const actor = createActor(approvalMachine, { input: id }).start();
  await waitFor(actor, (snapshot) => snapshot.matches('asking'));
  return actor;
}

/** Raw XState, the usual way: every waiting actor stays live in a Map. */
export function xstateSuspended(): SuspendedVariant {
  const actors = new Map<string, Actor<typeof approvalMachine>>();
  return {
    async suspend(ids) {
      const started = await Promise.all(ids.map(startWaiting));
      started.forEach((actor, index) => {
        actors.set(ids[index]!, actor);
      });
    },
    async replyAndCheck(ids) {
      for (const id of ids) {
        const actor = actors.get(id)!;
        actor.send({ type: 'reply', ...approval });
        checkApproved('raw XState', id, await toPromise(actor));
        actors.delete(id);
      }
    },
    // What a store would hold: each waiting actor's persisted snapshot.
    storedBytes: async (ids) =>
      ids.reduce(
        (sum, id) =>
          sum + Buffer.byteLength(JSON.stringify(actors.get(id)!.getPersistedSnapshot())),
        0,
      ),
    close: () => undefined,
  };
}

/**
 * Raw XState evicted: once a run waits, its persisted snapshot goes to SQLite and the actor
 * is stopped; a reply restores it from the row. Nothing stays in the process.
 */
export function xstateSqliteSuspended(): SuspendedVariant {
  const dir = tempDir('suspended-xstate');
  const store = new SqliteSnapshotStore(dir.file('xstate.db'));
  return {
    async suspend(ids) {
      await Promise.all(
        ids.map(async (id) => {
          const actor = await startWaiting(id);
          store.write(id, 0, actor.getPersistedSnapshot());
          actor.stop();
        }),
      );
    },
    async replyAndCheck(ids) {
      for (const id of ids) {
        const snapshot = store.latest(id);
        if (!snapshot) throw new Error(`raw XState + SQLite: no snapshot for ${id}`);
        const actor = createActor(approvalMachine, {
          snapshot: snapshot as never,
          input: id,
        }).start();
        actor.send({ type: 'reply', ...approval });
        checkApproved('raw XState + SQLite', id, await toPromise(actor));
      }
    },
    storedBytes: async () => {
      store.checkpointWal();
      return store.fileBytes();
    },
    close: () => {
      store.close();
      dir.remove();
    },
  };
}
