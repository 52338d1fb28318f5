import { AgentchartError } from '../errors/agentchart-error';
import { leaseHeldMessage, takenOverFirstMessage } from './conflict-messages';

/** Ways storing or restoring a checkpoint can fail. */
export type CheckpointErrorCode =
  | 'checkpoint.conflict'
  | 'checkpoint.version_mismatch'
  | 'checkpoint.wrong_agent'
  | 'checkpoint.invalid_migration'
  | 'checkpoint.corrupt'
  | 'checkpoint.not_found'
  | 'checkpoint.unsupported_schema'
  | 'checkpoint.foreign_database'
  | 'checkpoint.lease_held';

/**
 * A checkpoint could not be stored or restored; the message says which thread and why.
 * `threadId` is empty when the whole store is at fault (a corrupt database file).
 */
export class CheckpointError extends AgentchartError<CheckpointErrorCode> {
  readonly threadId: string;
  /**
   * On a `checkpoint.lease_held` from {@link CheckpointError.leaseHeld}: the run whose lease
   * refused this one, and when that lease lapses unless its process renews it — so a caller
   * can say when to try again without reading the message.
   */
  holder?: { readonly owner: string; readonly expiresAt: number };

  constructor(code: CheckpointErrorCode, threadId: string, message: string, cause?: unknown) {
    super(code, { message, cause });
    this.threadId = threadId;
  }

  /**
   * The `checkpoint.lease_held` error of a store that refused a lease because `holder`'s is
   * live at `now`: it names the holder, the time left, and what taking it by force risks.
   * `takeOverFrom`: the owner a refused forced take-over was to take the thread from (another
   * owner took it first).
   */
  static leaseHeld(
    threadId: string,
    holder: { owner: string; expiresAt: number },
    now: number,
    takeOverFrom?: string,
  ): CheckpointError {
    const error = new CheckpointError(
      'checkpoint.lease_held',
      threadId,
      takeOverFrom === undefined
        ? leaseHeldMessage(threadId, holder, now)
        : takenOverFirstMessage(threadId, holder, now, takeOverFrom),
    );
    error.holder = { owner: holder.owner, expiresAt: holder.expiresAt };
    return error;
  }

  override toJSON() {
    return { ...super.toJSON(), threadId: this.threadId };
  }
}
