import { AgentchartError } from '@agentchart/core';

/** Why {@link retrievalTool} could not search. */
export type RetrievalErrorCode = 'retrieval.invalid_embedding' | 'retrieval.embedder_failed';

/**
 * A failed search. The harness reports it as `tool.failed` with this message; `code` is for
 * code that routes on it.
 */
export class RetrievalError extends AgentchartError<RetrievalErrorCode> {
  constructor(code: RetrievalErrorCode, message: string, cause?: unknown) {
    super(code, { message, cause });
  }
}
