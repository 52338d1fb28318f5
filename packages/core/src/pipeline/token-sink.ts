import type { ModelCall, TokenSink } from './types';

/**
 * Where a call's streamed deltas go: the sink a step gave the call, else the run's
 * `llm.token` events. `undefined` when nobody would read them, so the adapter need not
 * stream, and for a history summary the context budget asks for (`settings.summary`): its
 * text stands in for earlier messages and is no answer, yet a chat client shows every
 * `llm.token` of the thread as the answer being written.
 */
export function tokenSinkOf(call: ModelCall): TokenSink | undefined {
  if (call.settings.summary) return undefined;
  if (call.onToken) return call.onToken;
  const { events } = call.scope.run;
  if (!events.isObserved('llm.token')) return undefined;
  const { threadId } = call.scope;
  const { callId } = call;
  return (delta, attempt) => events.emit('llm.token', threadId, { callId, delta, attempt });
}
