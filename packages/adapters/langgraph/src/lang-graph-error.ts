import { AgentchartError, type SerializedError } from '@agentchart/core';
import type { z } from 'zod';

/** What went wrong with a LangGraph graph run as an actor. */
export type LangGraphErrorCode =
  /** The actor's input did not match its `input` schema; the graph did not run. */
  | 'graph.invalid_input'
  /** The graph finished with a state that does not match the `output` schema. */
  | 'graph.invalid_output'
  /** The graph threw: a node failed, or it hit its recursion limit. */
  | 'graph.failed';

/** Options for {@link LangGraphError}. */
export interface LangGraphErrorOptions {
  message: string;
  cause?: unknown | undefined;
  /** zod issues, kept as zod produced them (code, path, message). */
  issues?: z.core.$ZodIssue[] | undefined;
  /** Extra facts for the reader: the graph's name, its thread, the value it returned. */
  details?: Record<string, unknown> | undefined;
}

/**
 * A failure of a LangGraph graph run by `langGraphActor`. It reaches the chart as the
 * invoke's `onError` event, so the chart decides what follows; `code` is stable to switch on.
 */
export class LangGraphError extends AgentchartError<LangGraphErrorCode> {
  readonly issues: z.core.$ZodIssue[] | undefined;
  readonly details: Record<string, unknown>;

  constructor(
    code: LangGraphErrorCode,
    { message, cause, issues, details = {} }: LangGraphErrorOptions,
  ) {
    super(code, { message, cause });
    this.issues = issues;
    this.details = details;
  }

  override toJSON() {
    return { ...super.toJSON(), issues: this.issues, details: this.details };
  }
}

/**
 * The `LangGraphError` a failed graph step's record holds (see `GraphStep`), rebuilt when the
 * step is read back from the journal: the chart's `onError` gets the same code, message and
 * details as the run that recorded it (not the original cause, which the journal does not keep).
 */
export function recordedLangGraphError(record: SerializedError): LangGraphError {
  const { code, message, issues, details } = record as SerializedError & {
    issues?: z.core.$ZodIssue[];
    details?: Record<string, unknown>;
  };
  return new LangGraphError(code as LangGraphErrorCode, { message, issues, details });
}
