import type { RunOutcome } from '@agentchart/core';

/**
 * One unit of work for a thread, as it travels through the job queue. Every way a thread
 * moves on — started, answered, sent an event, woken by its timer or after its owner died —
 * is a job, so any worker can do it and a crashed worker's job goes to another.
 *
 * `tenantId` is the tenant the job acts for: a start starts the thread for it; a reply, an
 * event or a wake is done only if the thread is that tenant's (ADR 0049, 0065). Without it
 * a reply, an event or a wake is an operator's and reaches any thread.
 */
export type ThreadJob =
  | { kind: 'start'; threadId: string; input: unknown; tenantId?: string }
  | { kind: 'reply'; threadId: string; waitId: string; value: unknown; tenantId?: string }
  | {
      kind: 'event';
      threadId: string;
      event: { type: string; [key: string]: unknown };
      tenantId?: string;
    }
  | { kind: 'wake'; threadId: string; reason: 'due' | 'orphaned'; tenantId?: string };

/** What a completed job reports (stored as the job's output). */
export interface ThreadJobResult {
  threadId: string;
  /**
   * The thread's rest, or why the job had nothing to do; `running` for a reply the thread
   * took before its worker shut down mid-run (another worker continues the thread).
   */
  status: RunOutcome['status'] | 'already-ended' | 'already-answered' | 'refused' | 'running';
  /**
   * Why a job was refused or had nothing to do, as the error code the agent gave: what an API
   * tells its caller by — `human.invalid_reply` (the reply does not fit the wait's schema),
   * `human.timeout` or `approval.expired` (it came after the wait's deadline), `run.not_found`
   * (no such thread), `run.not_waiting` (`already-answered`), `definition.invalid_option` (a
   * thread or tenant id no store keeps), `agent.invalid_input` (a start's input the agent's
   * input schema refuses; nothing was started), `run.already_running` (a start of a thread that is
   * another's, or another tenant's), `run.wrong_tenant` (a reply, event or wake for a thread
   * that is not the job's tenant's, or does not exist), `run.event_not_taken` (an event no
   * state of the thread takes now; nothing was delivered).
   */
  code?: string;
  detail?: string;
}
