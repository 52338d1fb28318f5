import { RunError } from '../errors/run-error';
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

/** The human waits a run has pending, by id. */
export class HumanWaits {
  readonly #waits = new Map<string, HumanWaitRegistration>();

  constructor(private readonly threadId: string) {}

  /** Registers a wait; returns the function that removes it. */
  add(wait: HumanWaitRegistration): () => void {
    this.#waits.set(wait.waitId, wait);
    return () => this.#waits.delete(wait.waitId);
  }

  /** The wait `waitId` names, or the only one pending; throws when that is ambiguous or absent. */
  find(waitId: string | undefined): HumanWaitRegistration {
    if (waitId === undefined && this.#waits.size > 1) {
      throw new RunError('run.not_waiting', {
        message: `Thread "${this.threadId}" has ${this.#waits.size} pending human waits (${this.#ids()}); pass the waitId to answer one.`,
      });
    }
    const wait = waitId === undefined ? this.#waits.values().next().value : this.#waits.get(waitId);
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
    return [...this.#waits.values()].map(({ waitId, prompt, deadline, approval }) => ({
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
    return [...this.#waits.keys()].join(', ') || 'none';
  }
}
