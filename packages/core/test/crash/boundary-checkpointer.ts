import type { JournalEntry } from '../../src/ledger/types';
import type { Checkpointer } from '../../src/store/types';

/**
 * A store that reports a boundary right before and right after each write (a checkpoint,
 * with the journal results written in its transaction, or a journal intent or result on its
 * own or with the results held before it), so a crash test can kill the process at each in
 * turn. Lease calls pass through: they take no boundary of their own.
 */
export function boundaryCheckpointer(
  inner: Checkpointer,
  boundary: (name: string) => void,
): Checkpointer {
  return {
    latest: (threadId) => inner.latest(threadId),
    get: (threadId, version) => inner.get(threadId, version),
    list: (threadId) => inner.list(threadId),
    getEffect: (threadId, key) => inner.getEffect(threadId, key),
    listEffects: (threadId) => inner.listEffects(threadId),
    release: (threadId) => inner.release?.(threadId),
    acquireLease: (threadId, options) => inner.acquireLease(threadId, options),
    renewLease: (threadId, options) => inner.renewLease(threadId, options),
    ...(inner.renewLeases
      ? { renewLeases: (leases, options) => inner.renewLeases!(leases, options) }
      : {}),
    releaseLease: (threadId, owner) => inner.releaseLease(threadId, owner),
    getLease: (threadId) => inner.getLease(threadId),
    async save(checkpoint) {
      boundary(`before checkpoint ${checkpoint.version} (${checkpoint.run.status})`);
      const result = await inner.save(checkpoint);
      boundary(`after checkpoint ${checkpoint.version} (${checkpoint.run.status})`);
      return result;
    },
    // Forwarded only where the store has it, so a run takes the same path as on the store
    // itself: a macrostep's results written in its checkpoint's transaction.
    ...(inner.saveWithJournal
      ? {
          async saveWithJournal(checkpoint, journal) {
            const results = journal.map((entry) => `result (${entry.status}) of ${entry.key}`);
            const what = `checkpoint ${checkpoint.version} (${checkpoint.run.status})${results.length ? ` with ${results.join(', ')}` : ''}`;
            boundary(`before ${what}`);
            const result = await inner.saveWithJournal!(checkpoint, journal);
            boundary(`after ${what}`);
            return result;
          },
        }
      : {}),
    async putEffect(entry, options) {
      const what = describeEntry(entry);
      boundary(`before ${what}`);
      await inner.putEffect(entry, options);
      boundary(`after ${what}`);
    },
    // An intent with the results held before it, in one write: where the store has it.
    ...(inner.putEffects
      ? {
          async putEffects(entries, options) {
            const what = entries.map(describeEntry).join(', ');
            boundary(`before ${what}`);
            await inner.putEffects!(entries, options);
            boundary(`after ${what}`);
          },
        }
      : {}),
  };
}

/** A journal write, as a boundary names it. */
function describeEntry(entry: JournalEntry): string {
  return `${entry.status === 'started' ? 'intent' : `result (${entry.status})`} of ${entry.key}`;
}
