import type { Checkpointer } from '@agentchart/core';

/** What {@link countingCheckpointer} has seen. */
export interface WriteCounts {
  checkpointWrites: number;
  journalWrites: number;
}

/**
 * Wraps a checkpointer and reports the bytes of every checkpoint and journal entry written
 * through it (a checkpoint written with its macrostep's journal entries counts as one write): what the store says it wrote when it says so (a delta store reports the
 * delta), else the JSON size, which is what a store writing JSON writes. Every other call
 * passes through untouched, whatever the interface grows.
 */
export function countingCheckpointer<T extends Checkpointer>(
  inner: T,
  onWrite: (bytes: number) => void,
): T & { counts: WriteCounts } {
  const counts: WriteCounts = { checkpointWrites: 0, journalWrites: 0 };
  const countSaveWithJournal = (
    checkpoint: Parameters<Checkpointer['save']>[0],
    journal: Parameters<NonNullable<Checkpointer['saveWithJournal']>>[1],
    result: unknown,
  ) => {
    counts.checkpointWrites++;
    counts.journalWrites += journal.length;
    onWrite(
      ((result as { bytes?: number } | undefined)?.bytes ?? jsonBytes(checkpoint)) +
        journal.reduce((sum, entry) => sum + jsonBytes(entry), 0),
    );
  };
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'counts') return counts;
      if (property === 'save') {
        return async (checkpoint: Parameters<Checkpointer['save']>[0]) => {
          const result: unknown = await target.save(checkpoint);
          counts.checkpointWrites++;
          onWrite((result as { bytes?: number } | undefined)?.bytes ?? jsonBytes(checkpoint));
          return result;
        };
      }
      // A checkpoint with its journal, and (saveWithLease) a change to the thread's lease in
      // the same commit: a run on SQLite writes its first and last checkpoints so.
      if (property === 'saveWithLease' && target.saveWithLease) {
        return async (...args: Parameters<NonNullable<Checkpointer['saveWithLease']>>) => {
          const result: unknown = await target.saveWithLease!(...args);
          countSaveWithJournal(args[0], args[1], result);
          return result;
        };
      }
      if (property === 'saveWithJournal' && target.saveWithJournal) {
        return async (...args: Parameters<NonNullable<Checkpointer['saveWithJournal']>>) => {
          const result: unknown = await target.saveWithJournal!(...args);
          countSaveWithJournal(args[0], args[1], result);
          return result;
        };
      }
      if (property === 'putEffect') {
        return async (...args: Parameters<Checkpointer['putEffect']>) => {
          await (target.putEffect as (...rest: unknown[]) => Promise<void>)(...args);
          counts.journalWrites++;
          onWrite(jsonBytes(args[0]));
        };
      }
      // An intent with the results held before it, in one write (on SQLite).
      if (property === 'putEffects' && target.putEffects) {
        return async (...args: Parameters<NonNullable<Checkpointer['putEffects']>>) => {
          await target.putEffects!(...args);
          counts.journalWrites += args[0].length;
          onWrite(args[0].reduce((sum, entry) => sum + jsonBytes(entry), 0));
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as T & { counts: WriteCounts };
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}
