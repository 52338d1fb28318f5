import { applyJsonDelta, diffJson, type JsonDeltaOp } from './json-delta';
import { SealedCheckpoint } from './sealed-checkpoint';
import type { Checkpoint } from './types';

/** The part of a checkpoint that changes from step to step and is delta-encoded. */
export interface CheckpointState {
  snapshot: unknown;
  run: Checkpoint['run'];
  delayedEvents: NonNullable<Checkpoint['delayedEvents']>;
  wakeAt?: number;
}

/** How one stored version is written: its whole state, or ops against the version before. */
export interface EncodedState {
  encoding: 'full' | 'delta';
  text: string;
}

interface ThreadTail {
  version: number;
  /**
   * The state as plain JSON values, owned by the chain; or its JSON text when the state was
   * read back from storage (parsed when the next delta needs it, so a resumed run's state,
   * which the caller goes on mutating, is never shared or deep-cloned).
   */
  state: { value: unknown } | { text: string };
  /** Size of the last full state written, and of the deltas written since. */
  fullBytes: number;
  deltaBytes: number;
}

/**
 * Encodes each new checkpoint of a thread as a delta against the one before it, so what a
 * step writes follows what changed (a new message), not the size of the history. A full
 * state is written again once the deltas since the last full one add up to its size: that
 * bounds the cost of reading a version (one full state and deltas no larger than it) while
 * the bytes written per step stay proportional to the change.
 *
 * It remembers the last state of every run in progress (up to `runningCapacity` threads) and
 * of a bounded number of threads at rest; a thread it does not remember (evicted, or advanced
 * by another process) gets a full state. Runs in progress are kept apart from those at rest:
 * with more runs at once than the bound at rest, remembering them in one list made every
 * checkpoint of every run a full state again — the bytes of a step grew with the state under
 * load. A run's checkpoint is its sealed state, shared with the run itself (see sealJson), so
 * remembering it while the run goes on costs the chain's entry, not a copy.
 */
export class CheckpointChain {
  /** Threads whose last checkpoint says `running`: their next checkpoint follows soon. */
  readonly #running = new Map<string, ThreadTail>();
  /** Threads at rest (waiting, done, failed…) and states read back from storage. */
  readonly #resting = new Map<string, ThreadTail>();

  /**
   * @param capacity Threads at rest remembered (the oldest forgotten first).
   * @param runningCapacity Threads with a run in progress remembered: a bound only for runs
   * abandoned without a last checkpoint (a store write that failed, a lease taken over).
   */
  constructor(
    private readonly capacity = 256,
    private readonly runningCapacity = 16_384,
  ) {}

  /** The encoding of `checkpoint`'s state, to store as its version. Call {@link commit} after. */
  encode(checkpoint: Checkpoint): { encoded: EncodedState; commit: () => void } {
    const live = stateOf(checkpoint);
    // A run's checkpoints are sealed trees (see sealJson): they never change, so the chain
    // keeps the state itself and the next delta skips what both share, without serialising
    // or parsing the whole state. Any other state is serialised once: the text is the full
    // state when one is written, and its parse the private tree the next delta is taken against.
    const sealed = checkpoint instanceof SealedCheckpoint;
    let fullText = sealed ? undefined : JSON.stringify(live);
    const state: unknown = fullText === undefined ? live : JSON.parse(fullText);
    const tail = this.#running.get(checkpoint.threadId) ?? this.#resting.get(checkpoint.threadId);
    let encoded: EncodedState | undefined;
    let next: ThreadTail | undefined;
    if (tail && tail.version === checkpoint.version - 1) {
      const previous = 'value' in tail.state ? tail.state.value : JSON.parse(tail.state.text);
      const text = JSON.stringify(diffJson(previous, state));
      if (tail.deltaBytes + text.length <= tail.fullBytes) {
        encoded = { encoding: 'delta', text };
        next = {
          ...tail,
          version: checkpoint.version,
          state: { value: state },
          deltaBytes: tail.deltaBytes + text.length,
        };
      }
    }
    fullText ??= encoded ? undefined : JSON.stringify(live);
    encoded ??= { encoding: 'full', text: fullText! };
    next ??= {
      version: checkpoint.version,
      state: { value: state },
      fullBytes: encoded.text.length,
      deltaBytes: 0,
    };
    const remembered = next;
    const inProgress = checkpoint.run.status === 'running';
    return {
      encoded,
      commit: () => this.#remember(checkpoint.threadId, remembered, inProgress),
    };
  }

  /** Remembers a state read back from storage, so the next write can be a delta. */
  remember(
    threadId: string,
    version: number,
    state: unknown,
    fullBytes: number,
    deltaBytes: number,
  ): void {
    // Its text, not the object: the caller owns (and mutates) the state it was given. A
    // copy, so it counts against the bound at rest.
    this.#remember(
      threadId,
      { version, state: { text: JSON.stringify(state) }, fullBytes, deltaBytes },
      false,
    );
  }

  /** Forgets a thread (its tail is no longer the stored head). */
  forget(threadId: string): void {
    this.#running.delete(threadId);
    this.#resting.delete(threadId);
  }

  #remember(threadId: string, tail: ThreadTail, inProgress: boolean): void {
    this.forget(threadId);
    const tails = inProgress ? this.#running : this.#resting;
    tails.set(threadId, tail);
    if (tails.size > (inProgress ? this.runningCapacity : this.capacity)) {
      tails.delete(tails.keys().next().value!);
    }
  }
}

/** The state part of a checkpoint, as stored. */
export function stateOf(checkpoint: Checkpoint): CheckpointState {
  return {
    snapshot: checkpoint.snapshot,
    run: checkpoint.run,
    delayedEvents: checkpoint.delayedEvents ?? [],
    ...(checkpoint.wakeAt === undefined ? {} : { wakeAt: checkpoint.wakeAt }),
  };
}

/** One stored row of a thread's chain. */
export interface StoredStateRow {
  version: number;
  encoding: string;
  text: string;
}

/**
 * Rebuilds the state of the last row from a full state and the deltas after it, in order.
 * A row that does not parse or apply stops the chain: the result is then the last version
 * before it that could be rebuilt (if any), and the failure.
 */
export function decodeChain(rows: readonly StoredStateRow[]): {
  last?: { version: number; state: CheckpointState };
  failure?: { version: number; reason: string };
} {
  let state: unknown;
  // Kept along the chain: an item one delta shares may be written below by a later one.
  const sharing = new WeakSet<object>();
  for (const [index, row] of rows.entries()) {
    try {
      if (index === 0 && row.encoding !== 'full') {
        throw new Error('the chain does not start with a full state');
      }
      const parsed: unknown = JSON.parse(row.text);
      state =
        row.encoding === 'full' ? parsed : applyJsonDelta(state, parsed as JsonDeltaOp[], sharing);
      assertState(state);
    } catch (error) {
      const failure = { version: row.version, reason: (error as Error).message };
      // A delta may have failed half applied: rebuild the good prefix from scratch.
      const before = index > 0 ? decodeChain(rows.slice(0, index)).last : undefined;
      return before ? { last: before, failure } : { failure };
    }
  }
  const last = rows.at(-1);
  return last ? { last: { version: last.version, state: state as CheckpointState } } : {};
}

function assertState(value: unknown): asserts value is CheckpointState {
  const state = value as Partial<CheckpointState> | null;
  if (
    typeof state !== 'object' ||
    state === null ||
    typeof state.run !== 'object' ||
    state.run === null ||
    typeof state.run.status !== 'string' ||
    !('snapshot' in state)
  ) {
    throw new Error('the stored state has no run or snapshot');
  }
}
