import type { Checkpointer } from '../../src/store/types';

/**
 * A store that reports a boundary right before and right after each write (a checkpoint, a
 * journal intent or result), so a crash test can kill the process at each in turn.
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
