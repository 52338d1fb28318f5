import type { Redactor } from '../security/create-redactor';
import { SealedCheckpoint } from '../store/sealed-checkpoint';
import type { Checkpoint, Checkpointer, LeaseChange } from '../store/types';
import type { JournalEntry } from './types';

/**
 * A journal entry as it may be stored: its input, output and error redacted. Keys, names,
 * statuses, times and `meta` (deadlines, hashes, usage: the harness's own facts) are kept
 * as they are, so the journal still resumes, folds usage and replays; `meta.inputRedacted`
 * says the input was changed.
 */
export function redactJournalEntry(entry: JournalEntry, redactor: Redactor): JournalEntry {
  const input = redactor.value(entry.input);
  const output = redactor.value(entry.output);
  const error = redactor.value(entry.error);
  if (input === entry.input && output === entry.output && error === entry.error) return entry;
  const redacted = { ...entry };
  if (input !== undefined) redacted.input = input;
  // Said with the record: whoever reads it from the store (a person asked to approve a call,
  // through `agentchart show` or the studio) sees replacement text where the step had values.
  if (input !== entry.input) redacted.meta = { ...entry.meta, inputRedacted: true };
  if (output !== undefined) redacted.output = output;
  if (error !== undefined) redacted.error = error;
  return redacted;
}

/**
 * A checkpoint as it may be stored: the machine's snapshot (its context), the run's input
 * and the pending delayed events redacted. A run restored from it sees the replacement
 * text where a secret was: secrets are never durable.
 */
export function redactCheckpoint(checkpoint: Checkpoint, redactor: Redactor): Checkpoint {
  // A run's checkpoints are sealed (frozen trees sharing what did not change): the redaction
  // of their unchanged nodes is reused, so a step's redaction costs what the step changed.
  const options = { sealed: checkpoint instanceof SealedCheckpoint };
  const snapshot = redactor.value(checkpoint.snapshot, options);
  const input = redactor.value(checkpoint.run.input, options);
  const delayedEvents = redactor.value(checkpoint.delayedEvents, options);
  if (
    snapshot === checkpoint.snapshot &&
    input === checkpoint.run.input &&
    delayedEvents === checkpoint.delayedEvents
  ) {
    return checkpoint;
  }
  const redacted: Checkpoint = {
    ...checkpoint,
    snapshot,
    run: input === checkpoint.run.input ? checkpoint.run : { ...checkpoint.run, input },
  };
  if (delayedEvents !== undefined) redacted.delayedEvents = delayedEvents;
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
  const save = (checkpoint: Checkpoint) => store.save(redactCheckpoint(checkpoint, redactor));
  const putEffect = (entry: JournalEntry, options?: Parameters<Checkpointer['putEffect']>[1]) =>
    store.putEffect(redactJournalEntry(entry, redactor), options);
  const putEffects =
    store.putEffects &&
    ((entries: readonly JournalEntry[], options?: Parameters<Checkpointer['putEffect']>[1]) =>
      store.putEffects!(
        entries.map((entry) => redactJournalEntry(entry, redactor)),
        options,
      ));
  const saveWithJournal =
    store.saveWithJournal &&
    ((checkpoint: Checkpoint, journal: readonly JournalEntry[]) =>
      store.saveWithJournal!(
        redactCheckpoint(checkpoint, redactor),
        journal.map((entry) => redactJournalEntry(entry, redactor)),
      ));
  const saveWithLease =
    store.saveWithLease &&
    ((checkpoint: Checkpoint, journal: readonly JournalEntry[], lease: LeaseChange) =>
      store.saveWithLease!(
        redactCheckpoint(checkpoint, redactor),
        journal.map((entry) => redactJournalEntry(entry, redactor)),
        lease,
      ));
  // Methods bound once each: the journal is read on every step.
  const bound = new Map<PropertyKey, { method: Function; bound: Function }>();
  return new Proxy(store, {
    get(target, property) {
      if (property === 'save') return save;
      if (property === 'putEffect') return putEffect;
      if (property === 'putEffects') return putEffects;
      if (property === 'saveWithJournal') return saveWithJournal;
      if (property === 'saveWithLease') return saveWithLease;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const known = bound.get(property);
      if (known?.method === value) return known.bound;
      // Bound to the store itself: its methods may use private fields a proxy does not have.
      const method = { method: value, bound: value.bind(target) };
      bound.set(property, method);
      return method.bound;
    },
  });
}
