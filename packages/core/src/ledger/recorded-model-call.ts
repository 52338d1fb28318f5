import type { ChatResponse } from '../model/types';

/**
 * A model call as the journal records it: the answer, who gave it, what it cost. The run's
 * usage is a fold over these records (see {@link addRecordUsage}), live and on restore.
 */
export interface RecordedModelCall {
  response: ChatResponse;
  /** The model that answered: a fallback when the primary could not. */
  model: string;
  attempts: number;
  costUsd: number;
  /** Served from the response cache: no tokens billed, not counted as a model call. */
  cached: boolean;
  /**
   * Set when a guard stopped the answer after it was paid for: the call counts (tokens,
   * cost) and the effect fails with `guard.blocked`, on resume too. `checkFailed` when the
   * guard's check threw rather than judged the answer.
   */
  blocked?: { guard: string; reason: string; checkFailed?: true };
}
