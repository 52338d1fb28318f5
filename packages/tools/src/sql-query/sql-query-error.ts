import { AgentchartError } from '@agentchart/core';
import type { SqlQueryFailureCode } from './types';

/**
 * Why {@link sqlQueryTool} refused a query or could not run it. A query past its timeout is
 * not one of these: it fails with `RunError` `tool.timeout`, as every tool does.
 */
export type SqlQueryErrorCode = SqlQueryFailureCode;

/**
 * A refused or failed query. The harness reports it as `tool.failed` with this message, which
 * says what was refused and why, so the model can rewrite the query; `code` is for code that
 * routes on it. A refused query was never run: refusals happen while it is compiled.
 */
export class SqlQueryError extends AgentchartError<SqlQueryErrorCode> {
  constructor(code: SqlQueryErrorCode, message: string, cause?: unknown) {
    super(code, { message, cause });
  }
}
