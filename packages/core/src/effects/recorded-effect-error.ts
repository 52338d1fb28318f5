import { AgentchartError, type SerializedError } from '../errors/agentchart-error';

/**
 * A failure read back from the journal on resume or replay: the effect failed before and is
 * not run again, so the chart sees the same error it saw the first time.
 */
export class RecordedEffectError extends AgentchartError {
  readonly recorded: SerializedError;

  constructor(recorded: SerializedError) {
    super(recorded.code, { message: recorded.message });
    this.recorded = recorded;
  }

  override toJSON(): SerializedError {
    return this.recorded;
  }
}
