import { AgentchartError } from '../errors/agentchart-error';

/** Ways a deterministic replay can leave the recorded path. */
export type ReplayErrorCode =
  | 'replay.missing_effect'
  | 'replay.diverged'
  | 'replay.unreached_effect';

/**
 * A replay reached a step the journal does not have (`replay.missing_effect`), one whose
 * recorded input differs from what the code asks now (`replay.diverged`), or came to its
 * outcome without reaching steps the recording took (`replay.unreached_effect`, naming the
 * first of them): the code takes a different path than the recorded run did.
 */
export class ReplayError extends AgentchartError<ReplayErrorCode> {
  readonly threadId: string;
  /** The step's journal key: effect site, occurrence, step within the effect. */
  readonly key: string;
  /** The effect site: actor ids from the root to the effect. */
  readonly site: string;

  constructor(
    code: ReplayErrorCode,
    {
      threadId,
      key,
      site,
      message,
    }: { threadId: string; key: string; site: string; message: string },
  ) {
    super(code, { message });
    this.threadId = threadId;
    this.key = key;
    this.site = site;
  }

  override toJSON() {
    return { ...super.toJSON(), threadId: this.threadId, key: this.key, site: this.site };
  }
}
