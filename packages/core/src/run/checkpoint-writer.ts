import { jsonCopy } from '../ledger/json-copy';
import type { JournalEntry } from '../ledger/types';
import type { Checkpoint, Checkpointer, CheckpointWriteResult } from '../store/types';
import type { CheckpointLease } from './lease-keeper';

/** Options of {@link CheckpointWriter}. */
export interface CheckpointWriterOptions {
  checkpointer: Checkpointer;
  /** Builds the checkpoint body from the run's state at the moment of writing. */
  build: (version: number) => Checkpoint;
  onWritten: (checkpoint: Checkpoint, result: CheckpointWriteResult | undefined) => void;
  /** Called once when a write fails; later requests are ignored. */
  onFailure: (error: unknown) => void;
  /**
   * Called when {@link build} throws: the checkpoint to write instead (one that stores the
   * run as failed, say), or undefined to fail as a write does.
   */
  recover?: (error: unknown, version: number) => Promise<Checkpoint | undefined>;
  /** The version of the last checkpoint already stored. */
  version: number;
  /** The run writing: journal entries written on their own are fenced on it. */
  owner: string;
  /**
   * The run's thread lease, which every write is made under: taken with the first checkpoint
   * (or before the first journal write), given up with the last. None: writes need no lease.
   */
  lease?: CheckpointLease;
}

/**
 * Writes a run's checkpoints one at a time, in order, and the journal results its effects
 * hand over with {@link deferJournal}. A checkpoint asked for is built at the end of the turn
 * of the event loop it was asked in (or at once: see {@link request}), of the state then;
 * snapshots that arrive before it is built, or while a write is under way, are coalesced into
 * that write (ADR 0051). The journal holds every effect result, so a skipped intermediate
 * snapshot is replayed from it on resume, never lost.
 */
export class CheckpointWriter {
  #version: number;
  #dirty = false;
  #writing: Promise<void> | undefined;
  #failure: unknown;
  #failed = false;
  /** Journal results held for the next checkpoint; written on their own if none comes. */
  #journal: JournalEntry[] = [];
  /** The end-of-turn write of the held results, while some are held (see deferJournal). */
  #journalFlush: ReturnType<typeof setImmediate> | undefined;
  /** The held results are due: written on their own if no checkpoint takes them first. */
  #journalDue = false;
  /** Journal writes of `writeJournal` under way (made with the first). */
  #journalWrites: Set<Promise<unknown>> | undefined;
  /** The held results those writes took, while they are under way (see #drain). */
  #heldBeingWritten: Set<readonly JournalEntry[]> | undefined;
  /** Ends the wait for the end of the turn early (see {@link request}), while one is under way. */
  #cutWaitShort: (() => void) | undefined;
  /** The checkpoint asked for is built without waiting for the end of the turn. */
  #urgent = false;
  /** A checkpoint was built (its write may still be under way). */
  #built = false;

  constructor(private readonly options: CheckpointWriterOptions) {
    this.#version = options.version;
  }

  /** The version of the last checkpoint written. */
  get version(): number {
    return this.#version;
  }

  /** True while a checkpoint was asked for and not yet built (it is built when written). */
  get awaitingBuild(): boolean {
    return this.#dirty;
  }

  /**
   * Asks for a checkpoint of the current state. It is built at the end of this turn of the
   * event loop, so the macrosteps the run takes meanwhile share it; with `now`, at once (and
   * so is one already waiting for the turn to end): for a run that came to rest or ended,
   * which takes no more steps this turn, and whose rest is reported once the write is stored.
   */
  request({ now = false }: { now?: boolean } = {}): void {
    if (this.#failed) return;
    this.#dirty = true;
    if (now) this.hurry();
    this.#writing ??= this.#drain();
  }

  /**
   * Builds the checkpoint asked for at once, not at the end of the turn: for something that
   * cannot go on before it is stored (an effect of a new thread waits for the thread's first
   * checkpoint before it reads or writes the journal). Before the first checkpoint is built,
   * it also applies to the next one asked for, if none is yet: such an effect may ask before
   * the macrostep that started it does. After, with nothing asked for, it does nothing: the
   * checkpoint being written is the one that was waited for.
   */
  hurry(): void {
    if (this.#built && !this.#dirty) return;
    this.#urgent = true;
    this.#cutWaitShort?.();
  }

  /**
   * Writes nothing more: the checkpoint asked for and not yet built, and the results held
   * for it, are dropped, and later requests are ignored (a write the store already has
   * finishes). For a run that lost its thread: built from now on, a checkpoint would store
   * the actor the run stopped — as `running`, where the lease was not really another's.
   */
  abandon(): void {
    this.#failed = true;
    this.#dirty = false;
    this.#cutWaitShort?.();
    this.#takeJournal();
  }

  /**
   * Holds an effect's result back to be written with the run's next checkpoint — in that
   * checkpoint's transaction, where the store can (`saveWithJournal`): a finished effect is
   * followed at once by the macrostep it causes, so its result and that macrostep's state
   * cost one durable commit. If no checkpoint is asked for by the end of this turn of the
   * event loop (an effect that goes on working), the result is written on its own then: it is
   * never held longer than the write it replaces would have taken. A write that fails fails
   * the run, like a checkpoint's. The entry's output and error are copied now (as the JSON
   * they will be stored as): the step's caller has them, and what it does to them before
   * the write must not reach the journal.
   */
  deferJournal(entry: JournalEntry): void {
    if (this.#failed) return;
    this.#journal.push(heldCopy(entry));
    // A checkpoint asked for and not built yet takes the held results when it is (its write
    // is under way: the drain loops while one is asked for), at the end of this turn at the
    // latest: an end-of-turn write of their own would find nothing left. A chain of steps that
    // answer at once made and called off one such immediate a run.
    if (this.#dirty && this.#writing) return;
    this.#scheduleJournalFlush();
  }

  /** Makes the held results due at the end of this turn of the event loop. */
  #scheduleJournalFlush(): void {
    if (this.#journalFlush) return;
    this.#journalFlush = setImmediate(() => {
      this.#journalFlush = undefined;
      if (this.#journal.length === 0) return;
      // A write under way takes them when it is done (see #drain).
      this.#journalDue = true;
      this.#writing ??= this.#drain();
    });
  }

  /**
   * Takes the held results for a write, and calls off their end-of-turn write: a scheduled
   * immediate holds the writer, and through it the run, until the event loop turns. Runs that
   * finish within one turn — a burst, a loop of short runs — were all kept alive until then
   * (3,000 of 3,000 in a loop of journaled chains), and promoted by the garbage collector.
   */
  #takeJournal(): JournalEntry[] {
    const held = this.#journal;
    this.#journal = [];
    if (this.#journalFlush !== undefined) {
      clearImmediate(this.#journalFlush);
      this.#journalFlush = undefined;
    }
    return held;
  }

  /**
   * Writes a journal entry now (an intent, which must be durable before its step acts), with
   * the results held back so far in the same commit where the store groups writes: a step
   * never acts before the result of the step before it is stored.
   */
  async writeJournal(
    entry: JournalEntry,
    { durable = true }: { durable?: boolean } = {},
  ): Promise<void> {
    const { checkpointer, owner } = this.options;
    const held = this.#takeJournal();
    const options = durable ? { owner } : { owner, durable };
    // Read once: a store may be a proxy that makes a function on every read.
    const putEffects = held.length > 0 ? checkpointer.putEffects : undefined;
    // In one write where the store can; else issued together: a store that groups a turn's
    // writes (SQLite) commits them as one.
    const writing = putEffects
      ? putEffects.call(checkpointer, [...held, entry], options)
      : Promise.all([...held, entry].map((item) => checkpointer.putEffect(item, options)));
    this.#journalWrites ??= new Set();
    const writes = this.#journalWrites;
    writes.add(writing);
    if (held.length > 0) this.#heldBeingWritten ??= new Set();
    const being = held.length > 0 ? this.#heldBeingWritten : undefined;
    being?.add(held);
    try {
      await writing;
    } finally {
      writes.delete(writing);
      being?.delete(held);
      // Not kept empty: a run waiting in memory would hold it.
      if (writes.size === 0 && this.#journalWrites === writes) this.#journalWrites = undefined;
      if (being?.size === 0 && this.#heldBeingWritten === being) this.#heldBeingWritten = undefined;
    }
  }

  /**
   * The newest result of `key` held back for the next checkpoint and not yet written, if
   * any: a copy the caller may change, as a store's read gives.
   */
  heldJournal(key: string): JournalEntry | undefined {
    const held = this.#journal.findLast((entry) => entry.key === key);
    return held && jsonCopy(held);
  }

  /**
   * Resolves once the checkpoints and journal writes under way now are stored (or failed:
   * the failure is the run's, reported where it was made), so a read of the store sees them.
   */
  async settled(): Promise<void> {
    while (this.#writing || (this.#journalWrites?.size ?? 0) > 0) {
      await Promise.allSettled([this.#writing, ...(this.#journalWrites ?? [])]);
    }
  }

  /** Resolves when every requested checkpoint (and held result) is written; rejects with a write failure. */
  async flush(): Promise<void> {
    if (this.#journal.length > 0 && !this.#failed) {
      this.#journalDue = true;
      this.#writing ??= this.#drain();
    }
    while (this.#writing) await this.#writing;
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.#failure = undefined;
      throw failure;
    }
  }

  /**
   * Resolves at the end of this turn of the event loop, once its I/O callbacks have run, or
   * when a request that cannot wait comes first.
   */
  #endOfTurn(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#cutWaitShort = undefined;
        clearImmediate(immediate);
        resolve();
      };
      const immediate = setImmediate(done);
      this.#cutWaitShort = done;
    });
  }

  /**
   * The checkpoint asked for, or the one `recover` makes when it cannot be built. When none
   * can be, the results held for it are still written (best effort) before the write fails:
   * they are what the run's steps did — a paid model answer among them — and a resume from
   * the checkpoint before reads them instead of doing those steps again.
   */
  #build(journal: readonly JournalEntry[]): Checkpoint | Promise<Checkpoint> {
    const version = this.#version + 1;
    try {
      // Built and returned as it is, not through a promise: a run's checkpoints all pass here.
      return this.options.build(version);
    } catch (error) {
      return this.#buildInstead(error, version, journal);
    }
  }

  /** The checkpoint `recover` makes when the one asked for cannot be built (see {@link #build}). */
  async #buildInstead(
    error: unknown,
    version: number,
    journal: readonly JournalEntry[],
  ): Promise<Checkpoint> {
    const instead = await this.options.recover?.(error, version);
    if (instead !== undefined) return instead;
    // Only to a thread that exists: a first checkpoint's results belong to no stored thread.
    if (this.#version > 0) {
      await putAll(this.options.checkpointer, journal, this.options.owner).catch(() => {});
    }
    throw error;
  }

  async #drain(): Promise<void> {
    const { checkpointer, owner, lease } = this.options;
    try {
      // Even one built at once is built after the microtasks queued so far (the rest a
      // macrostep found, say): they are in it, not left to a write of their own.
      await (lease === undefined || lease.mayWrite(this.#dirty) ? undefined : lease.whenHeld());
      while (this.#dirty || this.#journal.length > 0) {
        if (this.#dirty && !this.#urgent) {
          // Built at the end of this turn of the event loop, not at once: the macrosteps the
          // run takes within the turn (effects that answer at once, eventless transitions) are
          // in this checkpoint, with their journal results, not each in a write of its own.
          await this.#endOfTurn();
          if (!this.#dirty && this.#journal.length === 0) break;
        }
        if (!this.#dirty && !this.#journalDue) {
          // Results held for the checkpoint their macrostep is about to ask for (it does so
          // in the same turn): written with it, or on their own at the end of the turn.
          this.#scheduleJournalFlush();
          break;
        }
        if (lease && !lease.mayWrite(this.#dirty)) {
          // A take under way, or a write that cannot take the lease itself: wait for it.
          await lease.whenHeld();
          continue;
        }
        let journal = this.#takeJournal();
        this.#journalDue = false;
        if (!this.#dirty) {
          await putAll(checkpointer, journal, owner);
          continue;
        }
        if (this.#heldBeingWritten) {
          // Results an intent's write took (see writeJournal) and has not stored yet go in this
          // checkpoint too: it is of the state they led to. Left to that write alone, on another
          // connection, they were lost for good when it failed (a connection dropped) and the
          // checkpoint did not: the run, resumed from it, never made those steps again, and
          // their records, with the usage and cost they carry, were missing from the journal.
          // Written twice, a result is stored once (the same entry under the same key).
          journal = [...[...this.#heldBeingWritten].flat(), ...journal];
        }
        this.#dirty = false;
        this.#urgent = false;
        this.#built = true;
        const change = lease?.changeForCheckpoint();
        const built = this.#build(journal);
        const checkpoint = built instanceof Promise ? await built : built;
        let result: CheckpointWriteResult | undefined;
        // Read once: a store may be a proxy that makes a function on every read.
        const saveWithJournal = journal.length > 0 ? checkpointer.saveWithJournal : undefined;
        if (change) {
          // Only ever made for a store that has it (see LeaseKeeper.changeForCheckpoint).
          try {
            result = await checkpointer.saveWithLease!(checkpoint, journal, change);
          } catch (error) {
            throw await lease!.checkpointFailed(change, error);
          }
          lease!.checkpointStored(change);
        } else if (saveWithJournal) {
          result = await saveWithJournal.call(checkpointer, checkpoint, journal);
        } else {
          await putAll(checkpointer, journal, owner);
          result = await checkpointer.save(checkpoint);
        }
        this.#version = checkpoint.version;
        this.options.onWritten(checkpoint, result);
      }
    } catch (error) {
      this.#failure = error;
      this.#failed = true;
      this.#dirty = false;
      this.#takeJournal();
      this.#writing = undefined;
      this.options.onFailure(error);
    } finally {
      this.#writing = undefined;
    }
  }
}

/** Records `journal`'s entries in one write where the store can, else one by one. */
async function putAll(
  checkpointer: Checkpointer,
  journal: readonly JournalEntry[],
  owner: string | undefined,
): Promise<void> {
  if (journal.length === 0) return;
  // Read once: a store may be a proxy that makes a function on every read.
  const putEffects = journal.length > 1 ? checkpointer.putEffects : undefined;
  if (putEffects) return putEffects.call(checkpointer, journal, { owner });
  for (const entry of journal) await checkpointer.putEffect(entry, { owner });
}

/**
 * `entry` with its output and error copied as the JSON they will be stored as: what the step
 * gave, kept as it was until the write. The rest is the run's own (its `meta` shares the
 * intent's request and ledger, already written as they were sent). A plain copy with JSON's
 * semantics (see `jsonCopy`), not a sealed (frozen) one: a store serialises a frozen tree
 * about half as fast again.
 */
function heldCopy(entry: JournalEntry): JournalEntry {
  const held = { ...entry };
  if (entry.output !== undefined) held.output = jsonCopy(entry.output);
  if (entry.error !== undefined) held.error = jsonCopy(entry.error);
  return held;
}
