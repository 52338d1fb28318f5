import type { EventObject } from 'xstate';
import { describeValue } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import { maxSentValueDepth, nestsDeeperThan } from '../ledger/json-depth';

/**
 * Refuses an event no caller outside the run may send it: one that is not an object with a
 * non-empty string `type`, or one of the events XState and the harness send themselves. An
 * actor's done and error events (`xstate.done.actor.…`, `xstate.error.actor.…`), its timers
 * (`xstate.after.…`) and `xstate.stop` end an effect or a state without its checks — a human
 * wait without its reply's validation, an approval without the person — and `limit.reached`
 * is the harness's word that a run limit was hit. So is an event nested too deep for a
 * checkpoint to keep once the machine assigns it. Checked before the event reaches the
 * machine, so a refused event leaves the run as it was.
 */
export function assertSendableEvent(
  threadId: string,
  event: unknown,
): asserts event is EventObject {
  const type =
    typeof event === 'object' && event !== null ? (event as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || type.length === 0 || Array.isArray(event)) {
    throw new RunError('run.invalid_event', {
      message: `Thread "${threadId}" was sent ${describe(event)}, not an event: an event is an object whose type is a non-empty string, such as { type: 'approve' }. Nothing was delivered; the run is as it was.`,
      details: { threadId },
    });
  }
  if (type.startsWith('xstate.') || type === 'limit.reached') {
    const who =
      type === 'limit.reached'
        ? 'the harness sends when a run limit is reached'
        : 'XState sends itself (an actor done or failed, a delay, a stop)';
    throw new RunError('run.invalid_event', {
      message: `Thread "${threadId}" was sent "${type}", an event ${who}: from outside it would end a state or an effect without its checks (a human wait without its reply's validation). Nothing was delivered. Send an event your chart defines; answer a human wait with { type: 'human.reply', value } or handle.reply(value).`,
      details: { threadId, type },
    });
  }
  // A reply's depth is checked by its wait, which names itself in the refusal.
  if (type !== 'human.reply' && nestsDeeperThan(event, maxSentValueDepth + 1)) {
    throw new RunError('run.invalid_event', {
      message: `Thread "${threadId}" was sent a "${type}" event whose fields nest arrays or objects more than ${maxSentValueDepth} levels deep: kept in the machine's context, no checkpoint could store it, and the run would fail. Nothing was delivered; the run is as it was. Send a flatter event.`,
      details: { threadId, type, maxDepth: maxSentValueDepth },
    });
  }
}

/** A short description of what was sent instead of an event. */
function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return describeValue(value);
  }
  const type = (value as { type?: unknown }).type;
  return type === undefined
    ? 'an object without a type'
    : `an object whose type is ${describeValue(type)}`;
}
