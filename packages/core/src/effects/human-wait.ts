import type { PromiseActorLogic } from 'xstate';
import type { z } from 'zod';
import { RunError } from '../errors/run-error';
import { validateNumberOption } from '../reliability/validate-option';
import type { HumanWaitRegistration } from '../run/human-waits';
import { toJsonSchema } from '../tools/to-json-schema';
import { createEffectLogic } from './create-effect-logic';
import type { EffectScope } from './effect-scope';

/** Options of {@link humanWait}. */
export interface HumanWaitOptions<TReply extends z.ZodType, TInput> {
  /** What the human is asked, computed from the effect's input. */
  prompt: (input: TInput) => string;
  /** The shape of an acceptable reply; others are refused and the wait stays open. */
  reply: TReply;
  /**
   * After this long without a reply the wait fails with `human.timeout`. Survives restarts:
   * a resume never extends it. Any length; a resting run's timer never keeps the process alive.
   */
  timeoutMs?: number;
}

/**
 * Actor logic that waits for a human: an approval, an escalation, a free-form reply. The
 * run comes to rest as `waiting`; `agent.send(threadId, { type: 'human.reply', value })` or
 * `handle.reply(value)` answers it, any time later. A reply that does not fit `reply` is
 * refused with `human.invalid_reply` and the wait stays open; nothing else grants it.
 */
export function humanWait<TReply extends z.ZodType, TInput = unknown>(
  options: HumanWaitOptions<TReply, TInput>,
): PromiseActorLogic<z.output<TReply>, TInput> {
  if (options.timeoutMs !== undefined) {
    validateNumberOption('humanWait', 'timeoutMs', options.timeoutMs, {
      min: 0,
      exclusiveMin: true,
      max: Number.MAX_SAFE_INTEGER,
      expected: 'a positive number of milliseconds, or leave it out to wait without a deadline',
    });
  }
  const replySchema = replySchemaOf(options.reply);
  return createEffectLogic(
    // Work until its intent is in the journal: a run rests `waiting` only once its wait, prompt
    // and deadline are durable, so other processes (`agentchart waits`, a scheduler) see them.
    { kind: 'human-wait', modelAliases: [], tools: [], blocksRest: true, schemas: [] },
    async (scope, input: TInput) => {
      const { clock } = scope.run;
      const { events } = scope.run.runtime;
      const prompt = options.prompt(input);
      const key = scope.nextKey('human');
      const recorded = scope.run.recordedWait(key);
      // A restarted wait keeps the deadline it was first given: a resume never extends it.
      const deadline =
        recorded?.deadline ??
        (options.timeoutMs === undefined ? undefined : clock.now() + options.timeoutMs);
      let deliver!: (value: z.output<TReply>) => void;
      let answered = false;
      const replied = new Promise<z.output<TReply>>((resolve) => {
        deliver = resolve;
      });
      // Registered before any await, so the run lists the wait the moment it comes to rest.
      const registration: HumanWaitRegistration = {
        waitId: key,
        prompt,
        ...(deadline === undefined ? {} : { deadline }),
        accept(value) {
          const parsed = options.reply.safeParse(value);
          if (!parsed.success) {
            throw new RunError('human.invalid_reply', {
              message: `The reply to "${prompt}" does not match the expected shape; the wait stays open. Send a reply that fits.`,
              issues: parsed.error.issues,
              details: { waitId: key, value },
            });
          }
          remove();
          // Answered: work again until the effect completes, so the run does not rest on it.
          answered = true;
          scope.setIdle(false);
          events.emit('human.reply', scope.threadId, { waitId: key });
          deliver(parsed.data);
        },
      };
      const remove = scope.run.addWait(registration);
      try {
        const { value } = await scope.journaled(
          key,
          {
            kind: 'human',
            effect: 'pure',
            name: 'human',
            input: prompt,
            // The deadline and the reply's shape are kept with the wait, so a process that
            // does not hold the run (`agentchart waits`, a scheduler) can list and time it.
            ...waitMeta(registration.deadline, replySchema),
          },
          async () => {
            // After a restart the journal keeps the first deadline: a resume never extends a wait.
            const recorded = await scope.run.readJournal(key);
            const deadline =
              (recorded?.meta?.deadline as number | undefined) ?? registration.deadline;
            if (deadline !== undefined) registration.deadline = deadline;
            events.emit('human.wait', scope.threadId, {
              site: scope.site,
              waitId: key,
              prompt,
              ...(deadline === undefined ? {} : { deadline }),
            });
            // The intent is durable: the run may rest on this wait now (unless answered already).
            if (!answered) scope.setIdle(true);
            return untilReplied(scope, replied, prompt, deadline);
          },
        );
        return value;
      } finally {
        remove();
      }
    },
  );
}

/** The journal entry's `meta` of a wait: its deadline and its reply's shape, where it has them. */
function waitMeta(
  deadline: number | undefined,
  replySchema: Record<string, unknown> | undefined,
): { meta?: Record<string, unknown> } {
  if (deadline === undefined && replySchema === undefined) return {};
  return {
    meta: {
      ...(deadline === undefined ? {} : { deadline }),
      ...(replySchema === undefined ? {} : { replySchema }),
    },
  };
}

/**
 * The reply's JSON Schema, for people and tools answering from outside the process; absent
 * when the schema has parts JSON Schema cannot express (the reply is still checked by zod).
 */
function replySchemaOf(reply: z.ZodType): Record<string, unknown> | undefined {
  try {
    return toJsonSchema(reply, 'humanWait reply');
  } catch {
    return undefined;
  }
}

/** The reply, or a `human.timeout` at the deadline, or the abort reason. */
function untilReplied<T>(
  scope: EffectScope,
  replied: Promise<T>,
  prompt: string,
  deadline: number | undefined,
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
          reject(
            new RunError('human.timeout', {
              message: `Nobody answered "${prompt}" by its deadline (${new Date(deadline).toISOString()}).`,
              details: { deadline },
            }),
          );
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
