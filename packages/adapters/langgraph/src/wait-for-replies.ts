import { RunError } from '@agentchart/core';
import type { EffectScope } from '@agentchart/core/internal';
import type { z } from 'zod';
import type { PendingInterrupt } from './types';

/** A person's reply to one interrupt, keyed as LangGraph resumes it. */
export interface InterruptReply {
  id: string | undefined;
  value: unknown;
}

/** How the graph's interrupts are shown and answered. */
export interface ReplyOptions {
  reply: z.ZodType | undefined;
  prompt: (interruptValue: unknown) => string;
}

/**
 * Turns each pending interrupt into a durable human wait of the run — listed by
 * `handle.waits()`, answered by `agent.send(threadId, { type: 'human.reply', value, waitId })`
 * from any process — and resolves once all are answered. Each reply is a journaled step, so a
 * resume never asks twice. The effect is idle while it waits: the run comes to rest as
 * `waiting`.
 */
export function waitForReplies(
  scope: EffectScope,
  interrupts: readonly PendingInterrupt[],
  options: ReplyOptions,
): Promise<InterruptReply[]> {
  let open = 0;
  const opened = () => {
    open++;
    scope.setIdle(true);
  };
  const answered = () => {
    open--;
    if (open === 0) scope.setIdle(false);
  };
  // Keys are taken in order before anything awaits: the same interrupts get the same keys
  // on every resume.
  const waits = interrupts.map((interrupt) => ({ interrupt, key: scope.nextKey('human') }));
  return Promise.all(
    waits.map(async ({ interrupt, key }) => {
      const prompt = options.prompt(interrupt.value);
      const { value } = await scope.journaled(
        key,
        { kind: 'human', effect: 'pure', name: 'human', input: prompt },
        () => waitForReply(scope, { key, prompt, reply: options.reply, opened, answered }),
      );
      return { id: interrupt.id, value };
    }),
  );
}

/** Registers one wait with the run and resolves with its checked reply, or the abort reason. */
function waitForReply(
  scope: EffectScope,
  wait: {
    key: string;
    prompt: string;
    reply: z.ZodType | undefined;
    opened: () => void;
    answered: () => void;
  },
): Promise<unknown> {
  const { events } = scope.run.runtime;
  const { key: waitId, prompt } = wait;
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      remove();
      reject(scope.signal.reason);
    };
    const remove = scope.run.addWait({
      waitId,
      prompt,
      accept(value) {
        const checked = checkReply(wait.reply, value, { waitId, prompt });
        remove();
        scope.signal.removeEventListener('abort', onAbort);
        events.emit('human.reply', scope.threadId, { waitId });
        wait.answered();
        resolve(checked);
      },
    });
    if (scope.signal.aborted) return onAbort();
    scope.signal.addEventListener('abort', onAbort, { once: true });
    events.emit('human.wait', scope.threadId, { site: scope.site, waitId, prompt });
    wait.opened();
  });
}

/** The reply as its schema parses it; refused with `human.invalid_reply` when it does not fit. */
function checkReply(
  schema: z.ZodType | undefined,
  value: unknown,
  { waitId, prompt }: { waitId: string; prompt: string },
): unknown {
  if (!schema) return value;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new RunError('human.invalid_reply', {
    message: `The reply to "${prompt}" does not match the expected shape (${parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ')}); the wait stays open and the graph stays interrupted. Send a reply that fits.`,
    issues: parsed.error.issues,
    details: { waitId, value },
  });
}
