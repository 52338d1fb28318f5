import { RunError } from '../errors/run-error';
import type { TimedOutWait } from './run-errors';
import { SmallMap } from './small-map';
import type { PendingApproval, PendingHumanWait } from './types';

/** A human wait registered by an effect and answered through the run. */
export interface HumanWaitRegistration {
  waitId: string;
  prompt: string;
  deadline?: number;
  /** The tool call the wait asks to approve, if it is an approval. */
  approval?: PendingApproval;
  /** Validates the reply; throws a `human.invalid_reply` RunError when it does not fit. */
  accept(value: unknown): void;
}

/** A reply held for a wait that is not pending yet (see {@link HumanWaits.hold}). */
export interface HeldReply {
  /** Resolves once the wait accepted the reply; rejects with the error it refused it with. */
  given: Promise<void>;
  /** Forgets the reply: it is never given, and `given` never settles. */
  drop(): void;
}

/** The human waits a run has pending, by id. */
export class HumanWaits {
  readonly #waits = new SmallMap<string, HumanWaitRegistration>();
  #held:
    | { waitId: string; value: unknown; resolve(): void; reject(error: unknown): void }
    | undefined;
  /** The waits that timed out here, by id, for the replies that come after (made on demand). */
  #timedOut: Map<string, TimedOutWait> | undefined;
  /** The last wait that closed here — answered, or timed out — if any. */
  #lastClosed: string | undefined;

  constructor(private readonly threadId: string) {}

  /** Registers a wait; returns the function that removes it. */
  add(wait: HumanWaitRegistration): () => void {
    this.#waits.set(wait.waitId, wait);
    const held = this.#held;
    if (held?.waitId === wait.waitId) {
      this.#held = undefined;
      // Given once the registration has returned (the wait is still being built), yet before
      // its effect can go idle: a wait takes a reply that arrives before it begins waiting.
      queueMicrotask(() => {
        try {
          wait.accept(held.value);
          this.#lastClosed = wait.waitId;
          held.resolve();
        } catch (error) {
          held.reject(error);
        }
      });
    }
    return () => this.remove(wait);
  }

  /** Removes the wait registered under `wait`'s id. */
  remove(wait: HumanWaitRegistration): void {
    this.#waits.delete(wait.waitId);
  }

  /**
   * Gives `value` to the wait `waitId` names, or the only one pending (see {@link find}); the
   * wait throws when it refuses it.
   */
  answer(waitId: string | undefined, value: unknown): void {
    const wait = this.find(waitId);
    wait.accept(value);
    this.#lastClosed = wait.waitId;
  }

  /**
   * Records a wait that timed out: the replies that come for it later are late, not twice.
   * Once: told again (a child agent's waits, adopted more than once), it changes nothing.
   */
  timedOut(wait: TimedOutWait): void {
    this.#timedOut ??= new Map();
    if (this.#timedOut.has(wait.waitId)) return;
    this.#timedOut.set(wait.waitId, wait);
    this.#lastClosed = wait.waitId;
  }

  /** The wait `waitId` if it timed out here. */
  timedOutWait(waitId: string): TimedOutWait | undefined {
    return this.#timedOut?.get(waitId);
  }

  /** Every wait that timed out here, in the order they did. */
  timedOutWaits(): Iterable<TimedOutWait> {
    return this.#timedOut?.values() ?? [];
  }

  /** The last wait that closed here, answered or timed out, if any. */
  get lastClosed(): string | undefined {
    return this.#lastClosed;
  }

  /**
   * Holds `value` for the wait `waitId` until an effect adds it, and gives it then. A restored
   * run's effect reopens its wait only once it has restarted (a tool loop replays its model
   * calls before it asks for an approval again): answered as it reopens, the run does not come
   * to rest waiting for a reply it already has — a rest that would be reported to every
   * subscriber (an empty run segment in a trace) and answered right after. One reply is held
   * at a time; holding another drops the first.
   */
  hold(waitId: string, value: unknown): HeldReply {
    let settle!: { resolve(): void; reject(error: unknown): void };
    const given = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const held = { waitId, value, ...settle };
    this.#held = held;
    return {
      given,
      drop: () => {
        if (this.#held === held) this.#held = undefined;
      },
    };
  }

  /**
   * The wait `waitId` names, or the only one pending. Throws `human.ambiguous_reply` when
   * `waitId` is absent and several are pending, `run.not_waiting` when there is no such wait.
   */
  find(waitId: string | undefined): HumanWaitRegistration {
    if (waitId === undefined && this.#waits.size > 1) {
      // Not `run.not_waiting`, the code of a reply sent twice: a caller that drops those as
      // answered already would drop this reply, which nothing took.
      const waitIds = this.#waits.keys();
      throw new RunError('human.ambiguous_reply', {
        message: `Thread "${this.threadId}" has ${waitIds.length} pending human waits (${waitIds.join(', ')}) and the reply names none of them, so it was not delivered; pass the waitId to answer one (handle.reply(value, waitId), or { type: 'human.reply', value, waitId }).`,
        details: { waitIds },
      });
    }
    const wait = waitId === undefined ? this.#waits.values()[0] : this.#waits.get(waitId);
    if (!wait) {
      throw new RunError('run.not_waiting', {
        message:
          waitId === undefined
            ? `Thread "${this.threadId}" has no pending human wait to answer. Send the reply when the run rests waiting (its outcome lists the waits).`
            : `Thread "${this.threadId}" has no pending human wait "${waitId}". Pending: ${this.#ids()}.`,
        details: { waitId },
      });
    }
    return wait;
  }

  /** Waits pending now. */
  list(): PendingHumanWait[] {
    return this.#waits.values().map(({ waitId, prompt, deadline, approval }) => ({
      waitId,
      prompt,
      ...(deadline === undefined ? {} : { deadline }),
      ...(approval === undefined ? {} : { approval }),
    }));
  }

  /** The earliest deadline of a pending wait. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const { deadline } of this.#waits.values()) {
      if (deadline !== undefined && (next === undefined || deadline < next)) next = deadline;
    }
    return next;
  }

  clear(): void {
    this.#waits.clear();
  }

  #ids(): string {
    return this.#waits.keys().join(', ') || 'none';
  }
}
