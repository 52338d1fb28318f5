import type { PromiseActorLogic } from 'xstate';
import type { z } from 'zod';
import { DefinitionError } from '../errors/definition-error';
import { describeIssues } from '../errors/describe-issues';
import { checkOptionNames } from '../errors/option-names';
import { RunError } from '../errors/run-error';
import { parseNow } from '../output/parse-now';
import { validateNumberOption } from '../reliability/validate-option';
import { checkJournaledSchema, toJsonSchema } from '../tools/to-json-schema';
import { createEffectLogic } from './create-effect-logic';
import { durableWaitForReply, type WaitReplies } from './durable-wait';

/** Options of {@link humanWait}. */
export interface HumanWaitOptions<TReply extends z.ZodType, TInput> {
  /** What the human is asked, computed from the effect's input. */
  prompt: (input: TInput) => string;
  /**
   * The shape of an acceptable reply; others are refused and the wait stays open — as is one
   * larger than a journal row keeps (`createAgent`'s `maxJournalValueBytes`, 1 MiB by default).
   */
  reply: TReply;
  /**
   * After this long without a reply the wait fails with `human.timeout`. Survives restarts:
   * a resume never extends it. Any length; a resting run's timer never keeps the process alive.
   */
  timeoutMs?: number | undefined;
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
  if (typeof options === 'object' && options !== null) {
    checkOptionNames('humanWait', options, ['prompt', 'reply', 'timeoutMs']);
  }
  if (typeof options?.prompt !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      "humanWait: prompt must be a function of the effect's input that returns the question, such as prompt: (input) => 'Approve ' + input.amount + '?'.",
    );
  }
  if (typeof (options.reply as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
    throw new DefinitionError(
      'definition.invalid_option',
      'humanWait: reply must be a zod schema of an acceptable answer, such as z.object({ approved: z.boolean() }): a reply that does not fit is refused.',
    );
  }
  checkJournaledSchema(options.reply, 'humanWait reply');
  if (options.timeoutMs !== undefined) {
    validateNumberOption('humanWait', 'timeoutMs', options.timeoutMs, {
      min: 0,
      exclusiveMin: true,
      max: Number.MAX_SAFE_INTEGER,
      expected: 'a positive number of milliseconds, or leave it out to wait without a deadline',
    });
  }
  const replySchema = replySchemaOf(options.reply);
  // The reply's shape is kept with the wait, so a process that does not hold the run
  // (`agentchart waits`, the studio) can show what to answer.
  const meta = replySchema === undefined ? undefined : { replySchema };
  // One for every wait of this effect, in every run: a waiting run keeps no closures for it.
  const replies: WaitReplies<z.output<TReply>> = {
    replySchema,
    accept(value, { waitId, prompt }) {
      const parsed = parseNow(options.reply, value, `human wait "${waitId}"'s reply schema`);
      if (!parsed.success) {
        throw new RunError('human.invalid_reply', {
          message: `The reply to "${prompt}" does not match the expected shape (${describeIssues(parsed.error.issues)}); the wait stays open. Send a reply that fits.`,
          issues: parsed.error.issues,
          details: { waitId, value },
        });
      }
      return parsed.data as z.output<TReply>;
    },
    timeoutError: (deadline, { prompt }) =>
      new RunError('human.timeout', {
        message: `Nobody answered "${prompt}" by its deadline (${new Date(deadline).toISOString()}).`,
        details: { deadline },
      }),
  };
  return createEffectLogic(
    // Work until its intent is in the journal: a run rests `waiting` only once its wait, prompt
    // and deadline are durable, so other processes (`agentchart waits`, a scheduler) see them.
    {
      kind: 'human-wait',
      modelAliases: [],
      tools: [],
      blocksRest: true,
      schemas: [],
      ...(replySchema === undefined ? {} : { replySchema }),
    },
    // Not an async function: a waiting run keeps no frame of it (a throw here is the
    // effect's rejection: see createEffectLogic).
    (scope, input: TInput) =>
      durableWaitForReply(scope, {
        key: scope.nextKey('human'),
        prompt: options.prompt(input),
        name: 'human',
        timeoutMs: options.timeoutMs,
        ...(meta === undefined ? {} : { meta }),
        replies,
      }),
  );
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
