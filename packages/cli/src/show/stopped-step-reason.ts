import type { JournalEntry, LimitInfo } from '@agentchart/core';

/**
 * Why a step that completed still stopped its effect, from its result: a model's answer a
 * guard blocked after it was paid for, or a child agent that did not finish `done` (the step
 * completed — the parent got an outcome to route on — but a timeline that showed only that
 * would hide the failure).
 */
export function stoppedStepReason(
  entry: JournalEntry,
): { code: string; message: string } | undefined {
  if (entry.status !== 'completed') return undefined;
  const blocked = (entry.output as { blocked?: { guard?: string; reason?: string } } | undefined)
    ?.blocked;
  if (entry.kind === 'llm' && blocked) {
    return {
      code: 'guard.blocked',
      message: `guard "${blocked.guard}" blocked the answer (paid for): ${blocked.reason}`,
    };
  }
  if (entry.kind !== 'agent') return undefined;
  const outcome = entry.output as
    | { status?: string; error?: { code?: string; message?: string }; limit?: LimitInfo }
    | undefined;
  switch (outcome?.status) {
    case 'failed':
      return {
        code: String(outcome.error?.code ?? 'failed'),
        message: `child agent failed: ${outcome.error?.message ?? ''}`,
      };
    case 'limit':
      return {
        code: 'limit',
        message: `child agent stopped by ${outcome.limit?.limit} (${outcome.limit?.value} against a maximum of ${outcome.limit?.max})`,
      };
    case 'stopped':
      return { code: 'stopped', message: 'child agent was stopped' };
    default:
      return undefined;
  }
}
