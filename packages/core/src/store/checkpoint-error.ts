import { AgentchartError } from '../errors/agentchart-error';

/** Ways storing or restoring a checkpoint can fail. */
export type CheckpointErrorCode =
  | 'checkpoint.conflict'
  | 'checkpoint.version_mismatch'
  | 'checkpoint.corrupt'
  | 'checkpoint.not_found'
  | 'checkpoint.unsupported_schema'
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

  override toJSON() {
    return { ...super.toJSON(), threadId: this.threadId };
  }
}
