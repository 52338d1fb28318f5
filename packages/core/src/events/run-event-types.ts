import type { RunEventType } from './types';

/** Every run event type, at run time: for subscribers that route by type, and for tests. */
export const runEventTypes = [
  'run.start',
  'run.waiting',
  'run.end',
  'state.enter',
  'state.exit',
  'chart.emit',
  'llm.call.start',
  'llm.call.end',
  'llm.call.error',
  'llm.call.retry',
  'llm.call.reask',
  'llm.call.fallback',
  'llm.token',
  'tool.call.start',
  'tool.call.end',
  'tool.call.invalid',
  'tool.call.error',
  'human.wait',
  'human.reply',
  'approval.request',
  'approval.decision',
  'guard.block',
  'limit.reached',
  'budget.ledger',
  'checkpoint.write',
  'effect.replayed',
  'effect.ambiguous',
  'breaker.change',
  'agent.warning',
  'listener.error',
] as const satisfies readonly RunEventType[];

// A compile error here names an event type missing from the list above.
const complete: Exclude<RunEventType, (typeof runEventTypes)[number]> extends never
  ? true
  : Exclude<RunEventType, (typeof runEventTypes)[number]> = true;
void complete;
