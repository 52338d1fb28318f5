import { type Actor, createActor } from 'xstate';
import { SqliteSnapshotStore } from '../../stores/sqlite-snapshot-store';
import { tempDir } from '../../stores/temp-dir';
import { approvalMachine } from './approval-machine';
import { approval, checkApproved, type SuspendedVariant } from './suspended-variant';

/** Raw XState, the usual way: every waiting actor stays live in a Map. */
export function xstateSuspended(): SuspendedVariant {
  const actors = new Map<string, Actor<typeof approvalMachine>>();
  return {
    async suspend(ids) {
      for (const id of ids) actors.set(id, createActor(approvalMachine).start());
    },
    async replyAndCheck(ids) {
      for (const id of ids) {
        const actor = actors.get(id)!;
        actor.send({ type: 'reply', ...approval });
        checkApproved('raw XState', id, actor.getSnapshot().output);
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
 * Raw XState evicted: the persisted snapshot goes to SQLite and the actor is stopped; a reply
 * restores it from the row. Nothing stays in the process.
 */
export function xstateSqliteSuspended(): SuspendedVariant {
  const dir = tempDir('suspended-xstate');
  const store = new SqliteSnapshotStore(dir.file('xstate.db'));
  return {
    async suspend(ids) {
      for (const id of ids) {
        const actor = createActor(approvalMachine).start();
        store.write(id, 0, actor.getPersistedSnapshot());
        actor.stop();
      }
    },
    async replyAndCheck(ids) {
      for (const id of ids) {
        const snapshot = store.latest(id);
        if (!snapshot) throw new Error(`raw XState + SQLite: no snapshot for ${id}`);
        const actor = createActor(approvalMachine, { snapshot: snapshot as never }).start();
        actor.send({ type: 'reply', ...approval });
        checkApproved('raw XState + SQLite', id, actor.getSnapshot().output);
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
