import type { RunError } from '../errors/run-error';
import type { HumanWaitRegistration } from '../run/human-waits';
import type { PendingApproval } from '../run/types';
import type { EffectScope } from './effect-scope';

/** Options of {@link durableWait}. */
export interface DurableWaitOptions<TReply> {
  /** The wait's journal key; also its `waitId`. */
  key: string;
  /** What the person is asked. */
  prompt: string;
  /** The journal entry's name (`human`, `approval`). */
  name: string;
  /** What the journal records as the wait's input. Default: the prompt. */
  input?: unknown;
  /** Facts the journal keeps beside the deadline (an approval's arguments hash). */
  meta?: Record<string, unknown>;
  /** Set when the wait asks to approve a tool call: listed with the pending wait. */
  approval?: PendingApproval;
  /** After this long without a reply the wait fails with {@link DurableWaitOptions.timeoutError}. */
  timeoutMs?: number | undefined;
  /**
   * Turns a reply into what the wait returns, or throws a `human.invalid_reply` RunError:
   * the reply is refused and the wait stays open.
   */
  accept(value: unknown): TReply;
  /** The error a wait past its deadline fails with. */
  timeoutError(deadline: number): RunError;
  /** Called when the wait opens for real (not when its reply is replayed from the journal). */
  onOpen?(): void;
  /** Called once a live reply was accepted, before the wait resolves. */
  onReply?(reply: TReply): void;
}

/**
 * A wait for a person that survives restarts: registered with the run (so the run lists it,
 * rests as `waiting` and routes a reply to it), journaled under `key` (so a reply given
 * before a crash is replayed, never asked again, and nothing but a reply completes it), with
 * a deadline fixed when it was first opened (a resume never extends it). While it waits the
 * effect is idle: the run may rest. What `humanWait` and approvals are built on.
 */
export function durableWait<TReply>(
  scope: EffectScope,
  options: DurableWaitOptions<TReply>,
): Promise<{ value: TReply; replayed: boolean }> {
  // Not an async function (nor the step below): a run waiting days for a person keeps only
  // the closures of this wait, not suspended frames.
  try {
    return openWait(scope, options);
  } catch (error) {
    return Promise.reject(error);
  }
}

function openWait<TReply>(
  scope: EffectScope,
  options: DurableWaitOptions<TReply>,
): Promise<{ value: TReply; replayed: boolean }> {
  const { key, prompt } = options;
  const { clock } = scope.run;
  const { events } = scope.run.runtime;
  const recorded = scope.run.recordedWait(key);
  // A restarted wait keeps the deadline it was first given: a resume never extends it.
  const deadline =
    recorded?.deadline ??
    (options.timeoutMs === undefined ? undefined : clock.now() + options.timeoutMs);
  // One answered before the restart replays its reply: the run must not rest meanwhile.
  if (recorded && recorded.status !== 'started') scope.setIdle(false);
  let answered = false;
  let deliver!: (value: TReply) => void;
  const replied = new Promise<TReply>((resolve) => {
    deliver = resolve;
  });
  // Registered before any await, so the run lists the wait the moment it comes to rest.
  const registration: HumanWaitRegistration = {
    waitId: key,
    prompt,
    ...(deadline === undefined ? {} : { deadline }),
    ...(options.approval === undefined ? {} : { approval: options.approval }),
    accept(value) {
      const reply = options.accept(value);
      // Working again from this moment: a rest check already queued must not see it idle.
      answered = true;
      scope.setIdle(false);
      remove();
      events.emit('human.reply', scope.threadId, { waitId: key });
      options.onReply?.(reply);
      deliver(reply);
    },
  };
  const remove = scope.run.addWait(registration);
  return scope
    .journaled(
      key,
      {
        kind: 'human',
        effect: 'pure',
        name: options.name,
        input: options.input ?? prompt,
        ...(registration.deadline === undefined && options.meta === undefined
          ? {}
          : {
              meta: {
                ...options.meta,
                ...(registration.deadline === undefined ? {} : { deadline: registration.deadline }),
              },
            }),
      },
      async () => {
        // After a restart the journal keeps the first deadline: a resume never extends a wait.
        const entry = await scope.run.readJournal(key);
        const first = (entry?.meta?.deadline as number | undefined) ?? registration.deadline;
        if (first !== undefined) registration.deadline = first;
        events.emit('human.wait', scope.threadId, {
          site: scope.site,
          waitId: key,
          prompt,
          ...(first === undefined ? {} : { deadline: first }),
        });
        options.onOpen?.();
        if (!answered) scope.setIdle(true);
        const working = () => scope.setIdle(false);
        return untilReplied(scope, replied, first, options.timeoutError).then(
          (value) => {
            working();
            return value;
          },
          (error: unknown) => {
            working();
            throw error;
          },
        );
      },
    )
    .then(
      (result) => {
        remove();
        return result;
      },
      (error: unknown) => {
        remove();
        throw error;
      },
    );
}

/** The reply, or the timeout error at the deadline, or the abort reason. */
function untilReplied<T>(
  scope: EffectScope,
  replied: Promise<T>,
  deadline: number | undefined,
  timeoutError: (deadline: number) => RunError,
): Promise<T> {
  const { clock } = scope.run;
  return new Promise<T>((resolve, reject) => {
    let timer: unknown;
    const cleanup = () => {
      if (timer !== undefined) clock.clearTimeout(timer);
      scope.signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      cleanup();
      reject(scope.signal.reason);
    };
    if (scope.signal.aborted) return onAbort();
    scope.signal.addEventListener('abort', onAbort, { once: true });
    if (deadline !== undefined) {
      timer = clock.setTimeout(
        () => {
          cleanup();
          reject(timeoutError(deadline));
        },
        Math.max(0, deadline - clock.now()),
      );
    }
    replied.then((value) => {
      cleanup();
      resolve(value);
    });
  });
}
