import type { AnyStateMachine, EventObject } from 'xstate';
import type { Run } from '../run/run';
import { assertSendableEvent } from '../run/sendable-event';
import type { HumanReplyEvent, RunHandle, RunOutcomeFrom } from './types';

/** Delivers an event to a thread through its store (restoring it), and returns its run. */
export type DeliverToThread = (event: EventObject | HumanReplyEvent) => Promise<Run>;

/** How a handle reaches its thread once its run left memory; see {@link handleOf}. */
export interface ThreadAccess {
  /** Delivers an event through the store (restoring the thread). */
  deliver: DeliverToThread;
  /** Stops the thread, restoring it from the store first; resolves with the stopped run. */
  stop: () => Promise<Run>;
  /** The restore of the thread under way (a deadline or a timer fell due), if any. */
  findRestoring: () => Promise<Run> | undefined;
}

/**
 * True for a reply to a run restored from `waiting` that has not reopened that wait yet and
 * is still on its way back to rest: a child agent's wait comes back only once the child's
 * thread is restored, after `agent.resume()` has returned. Such a reply goes as
 * `agent.send()`'s does, given at the rest, instead of failing with `run.not_waiting` at once.
 */
function reopening(run: Run, event: EventObject | HumanReplyEvent): boolean {
  if (event.type !== 'human.reply' || run.restoredFrom !== 'waiting') return false;
  const phase = run.phase;
  if (phase !== 'starting' && phase !== 'running') return false;
  const { waitId } = event as HumanReplyEvent;
  const waits = run.waits();
  return waitId === undefined ? waits.length === 0 : !waits.some((wait) => wait.waitId === waitId);
}

/**
 * A handle that follows its thread: while the run is in memory, events reach it directly (and
 * a wrong reply throws at once); once it was evicted while waiting, `send()` and `reply()`
 * restore the thread from its store through `deliver` — in order, one after another — and
 * `result()` waits for them; `stop()` restores it to stop it, so the store says `stopped`; a
 * run its deadline or a timer restored is found in memory. So code written against the
 * in-memory store works unchanged with a durable one, whose waiting runs leave memory by
 * default.
 */
export function handleOf<TMachine extends AnyStateMachine>(
  run: Run,
  { deliver, stop, findRestoring }: ThreadAccess,
): RunHandle<TMachine> {
  let found = run;
  /** The thread's run in memory now: a deadline or a timer may have restored it. */
  const current = () => {
    while (found.evicted && found.successor) found = found.successor;
    return found;
  };
  /** Deliveries through the store, chained in the order they were made. */
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;
  /** The first delivery that failed since `result()` last reported one. */
  let failure: { error: unknown } | undefined;

  const dispatch = (event: EventObject | HumanReplyEvent, direct: (run: Run) => void) => {
    if (pending === 0 && !current().evicted && !reopening(current(), event)) {
      direct(current());
      return;
    }
    const delivery = async () => {
      try {
        if (current().evicted || reopening(current(), event)) found = await deliver(event);
        else direct(current());
      } catch (error) {
        // Reported once by result(); the deliveries after it still go (a corrected reply).
        failure ??= { error };
      } finally {
        pending--;
      }
    };
    // With none queued, it starts now, as agent.send() does: a send made after this reply
    // reaches the thread after it, not before.
    queue = pending++ === 0 ? delivery() : queue.then(delivery);
  };

  const settled = async (): Promise<Run> => {
    while (pending > 0) await queue;
    if (failure) {
      const { error } = failure;
      failure = undefined;
      throw error;
    }
    // Being restored (its deadline or a timer fell due): the restored run is the one to follow.
    const restoring = current().evicted ? findRestoring() : undefined;
    if (restoring) found = await restoring.catch(() => found);
    return current();
  };

  const reply = (value: unknown, waitId?: string) =>
    dispatch({ type: 'human.reply', value, ...(waitId === undefined ? {} : { waitId }) }, (live) =>
      live.reply(value, waitId),
    );

  return {
    threadId: run.threadId,
    result: async () => (await settled()).result() as Promise<RunOutcomeFrom<TMachine>>,
    send: (event) => {
      // Refused at once, evicted or not: an event that is not one never reaches the queue.
      assertSendableEvent(run.threadId, event);
      // A reply answers its wait, as agent.send() does — live or evicted alike.
      if (event.type === 'human.reply') {
        const { value, waitId } = event as HumanReplyEvent;
        reply(value, waitId);
        return;
      }
      dispatch(event, (live) => live.send(event));
    },
    reply,
    waits: () => current().waits(),
    stop: async () => {
      let live = await settled();
      // An evicted run cannot move: a thread it left waiting rests in the store, and is
      // stopped there. (One handed back by close() answers that it was handed back.)
      if (live.evicted && (await live.result()).status === 'waiting') live = found = await stop();
      return live.stop() as Promise<RunOutcomeFrom<TMachine>>;
    },
    getSnapshot: () => current().snapshot() as ReturnType<TMachine['resolveState']>,
  };
}
