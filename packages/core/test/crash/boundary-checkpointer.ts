import type { Checkpointer } from '../../src/store/types';

/**
 * A store that reports a boundary right before and right after each write (a checkpoint, a
 * journal intent or result), so a crash test can kill the process at each in turn. Lease
 * calls pass through: they take no boundary of their own.
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
    releaseLease: (threadId, owner) => inner.releaseLease(threadId, owner),
    getLease: (threadId) => inner.getLease(threadId),
    async save(checkpoint) {
      boundary(`before checkpoint ${checkpoint.version} (${checkpoint.run.status})`);
      const result = await inner.save(checkpoint);
      boundary(`after checkpoint ${checkpoint.version} (${checkpoint.run.status})`);
      return result;
    },
    async putEffect(entry, options) {
      const what = `${entry.status === 'started' ? 'intent' : `result (${entry.status})`} of ${entry.key}`;
      boundary(`before ${what}`);
      await inner.putEffect(entry, options);
      boundary(`after ${what}`);
    },
  };
}
