import type { z } from 'zod';
import { AgentchartError } from './agentchart-error';

/** Failures an effect can end in during a run. They reach the chart as `onError` events. */
export type RunErrorCode =
  | 'output.invalid'
  | 'output.refused'
  | 'output.truncated'
  | 'output.filtered'
  | 'output.empty'
  | 'tool.invalid_arguments'
  | 'tool.invalid_output'
  | 'tool.failed'
  | 'tool.timeout'
  | 'tool.unknown'
  | 'tool.output_too_large'
  | 'tool.output_too_deep'
  | 'loop.step_limit'
  | 'loop.repeated_call'
  | 'loop.too_many_tool_calls'
  | 'effect.aborted'
  | 'effect.ambiguous'
  | 'human.timeout'
  | 'human.invalid_reply'
  | 'human.ambiguous_reply'
  | 'approval.required'
  | 'approval.rejected'
  | 'approval.expired'
  | 'approval.arguments_not_json'
  | 'guard.blocked'
  | 'agent.invalid_input'
  | 'agent.invalid_output'
  | 'agent.foreign_child_thread'
  | 'run.not_found'
  | 'run.not_waiting'
  | 'run.already_running'
  | 'run.wrong_tenant'
  | 'run.invalid_event'
  | 'run.event_not_taken'
  | 'run.taken_over'
  | 'run.not_resumable'
  | 'run.child_thread'
  | 'run.evicted'
  | 'run.limit_reached'
  | 'run.context_mutated'
  | 'run.context_not_json'
  | 'run.infinite_loop'
  | 'budget.summary_unusable'
  | 'budget.summary_mismatch'
  | 'agent.closed';

/** Options for {@link RunError}. */
export interface RunErrorOptions {
  message: string;
  cause?: unknown | undefined;
  /** zod issues, kept as zod produced them (code, path, message). */
  issues?: z.core.$ZodIssue[] | undefined;
  /** Extra facts for the reader: the tool name, the attempts made, the raw output. */
  details?: Record<string, unknown> | undefined;
}

/** An error that happened while a run was going; the chart decides what follows. */
export class RunError extends AgentchartError<RunErrorCode> {
  readonly issues: z.core.$ZodIssue[] | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: RunErrorCode, { message, cause, issues, details = {} }: RunErrorOptions) {
    super(code, { message, cause });
    this.issues = issues;
    this.details = details;
  }

  override toJSON() {
    return { ...super.toJSON(), issues: this.issues, details: this.details };
  }
}
