import type { Redactor } from '../security/create-redactor';
import type { Checkpoint, Checkpointer } from '../store/types';
import type { JournalEntry } from './types';

/**
 * A journal entry as it may be stored: its input, output and error redacted. Keys, names,
 * statuses, times and `meta` (deadlines, hashes, usage: the harness's own facts) are kept
 * as they are, so the journal still resumes, folds usage and replays.
 */
export function redactJournalEntry(entry: JournalEntry, redactor: Redactor): JournalEntry {
  const { input, output, error } = entry;
  const redacted = { ...entry };
  if (input !== undefined) redacted.input = redactor.value(input);
  if (output !== undefined) redacted.output = redactor.value(output);
  if (error !== undefined) redacted.error = redactor.value(error);
  return redacted;
}

/**
 * A checkpoint as it may be stored: the machine's snapshot (its context), the run's input
 * and the pending delayed events redacted. A run restored from it sees the replacement
 * text where a secret was: secrets are never durable.
 */
export function redactCheckpoint(checkpoint: Checkpoint, redactor: Redactor): Checkpoint {
  const redacted: Checkpoint = {
    ...checkpoint,
    snapshot: redactor.value(checkpoint.snapshot),
    run: { ...checkpoint.run, input: redactor.value(checkpoint.run.input) },
  };
  if (checkpoint.delayedEvents) redacted.delayedEvents = redactor.value(checkpoint.delayedEvents);
  return redacted;
}

/**
 * `store` with every checkpoint and journal entry redacted on the way in. Everything else —
 * reads, leases, a store's own methods (`close`, `listThreads`) — goes to `store` as it is:
 * a proxy rather than a class listing the interface, so methods a store adds later are not
 * lost on the way.
 */
export function redactingCheckpointer<TStore extends Checkpointer>(
  store: TStore,
  redactor: Redactor,
): TStore {
  if (!redactor.active) return store;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'save') {
        return (checkpoint: Checkpoint) => target.save(redactCheckpoint(checkpoint, redactor));
      }
      if (property === 'putEffect') {
        return (entry: JournalEntry, options?: Parameters<Checkpointer['putEffect']>[1]) =>
          target.putEffect(redactJournalEntry(entry, redactor), options);
      }
      const value: unknown = Reflect.get(target, property, target);
      // Bound to the store itself: its methods may use private fields a proxy does not have.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
