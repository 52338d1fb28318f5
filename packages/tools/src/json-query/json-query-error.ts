import { AgentchartError } from '@agentchart/core';
import type { JsonQueryErrorCode } from './types';

/**
 * A refused or failed JSON query. The harness reports it as `tool.failed` with this message,
 * which says what was wrong so the model can fix the query; `code` is for code that routes
 * on it. A query past its timeout is not one of these: it fails with `RunError`
 * `tool.timeout`, as every tool does.
 */
export class JsonQueryError extends AgentchartError<JsonQueryErrorCode> {
  constructor(code: JsonQueryErrorCode, message: string, cause?: unknown) {
    super(code, { message, cause });
  }
}
