import { type Checkpointer, MemoryCheckpointer } from '@agentchart/core';

/**
 * Core's default {@link MemoryCheckpointer}, replaced by an empty one every `capacity`
 * checkpoints. Timed loops run hundreds of thousands of threads and the default keeps every
 * checkpoint of every thread forever, so without this the heap (and GC time) would grow with
 * the length of the benchmark instead of measuring a step. Only for loops that run one thread
 * at a time: a thread's first checkpoint then means every earlier thread has finished.
 */
export function boundedMemoryCheckpointer(capacity = 20_000): Checkpointer {
  let store = new MemoryCheckpointer();
  let saves = 0;
  // The store's methods bound once per store, not on every access: a run looks methods up on
  // every step, and a fresh closure each time would be charged to the harness it measures.
  let bound = new Map<PropertyKey, unknown>();
  // Runs write a checkpoint with its macrostep's journal results (saveWithJournal), or on its
  // own (save): both count, and either may start on a fresh store.
  const fresh = (checkpoint: Parameters<Checkpointer['save']>[0]) => {
    if (++saves > capacity && checkpoint.version === 1) {
      store = new MemoryCheckpointer();
      bound = new Map();
      saves = 0;
    }
    return store;
  };
  const save = (checkpoint: Parameters<Checkpointer['save']>[0]) =>
    fresh(checkpoint).save(checkpoint);
  const saveWithJournal = (
    checkpoint: Parameters<Checkpointer['save']>[0],
    journal: Parameters<NonNullable<Checkpointer['saveWithJournal']>>[1],
  ) => fresh(checkpoint).saveWithJournal(checkpoint, journal);
  // A run's first and last checkpoints carry its lease: the store calls its own save from
  // there, not this proxy's, so they are counted here (uncounted, the store was never
  // replaced and the heap grew with the length of the benchmark).
  const saveWithLease: NonNullable<Checkpointer['saveWithLease']> = (checkpoint, journal, change) =>
    fresh(checkpoint).saveWithLease(checkpoint, journal, change);
  return new Proxy(store, {
    get(_target, property) {
      if (property === 'save') return save;
      if (property === 'saveWithJournal') return saveWithJournal;
      if (property === 'saveWithLease') return saveWithLease;
      if (bound.has(property)) return bound.get(property);
      const value = Reflect.get(store, property, store);
      if (typeof value !== 'function') return value;
      const method = value.bind(store);
      bound.set(property, method);
      return method;
    },
  });
}
