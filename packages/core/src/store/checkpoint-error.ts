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
    return new CheckpointError(
      'checkpoint.lease_held',
      threadId,
      takeOverFrom === undefined
        ? leaseHeldMessage(threadId, holder, now)
        : takenOverFirstMessage(threadId, holder, now, takeOverFrom),
    );
  }

  override toJSON() {
    return { ...super.toJSON(), threadId: this.threadId };
  }
}
