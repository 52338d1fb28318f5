import { defineTool } from '@agentchart/core';
import { z } from 'zod';
import { categories } from './schemas';

/** A mail service that deduplicates by idempotency key, as most transactional mail APIs do. */
export interface Outbox {
  send(message: {
    to: string;
    subject: string;
    body: string;
    idempotencyKey: string;
  }): Promise<{ id: string }>;
  /** The message sent under this key, if one was. */
  find(idempotencyKey: string): Promise<{ id: string } | undefined>;
}

/**
 * Tells the customer where their ticket went. Sending mail acts on the world and a repeat
 * would mail twice, so it is `unsafe`: never retried by the harness, run one at a time, and
 * after a crash in the middle of a send it is ambiguous — `reconcile` then asks the outbox,
 * by the same idempotency key, whether the message left.
 */
export function notifyCustomerTool(outbox: Outbox) {
  return defineTool({
    name: 'notify_customer',
    description: 'Emails the customer which team now handles their ticket.',
    input: z.object({
      to: z.email(),
      ticketId: z.string().min(1),
      queue: z.enum(categories),
    }),
    output: z.object({ messageId: z.string() }),
    effect: 'unsafe',
    timeoutMs: 10_000,
    async execute({ to, ticketId, queue }, { idempotencyKey }) {
      const sent = await outbox.send({
        to,
        subject: `Your ticket ${ticketId}`,
        body: `Our ${queue} team has your ticket ${ticketId} and will answer soon.`,
        idempotencyKey,
      });
      return { messageId: sent.id };
    },
    async reconcile(_input, { idempotencyKey }) {
      const sent = await outbox.find(idempotencyKey);
      return sent
        ? { status: 'completed', output: { messageId: sent.id } }
        : { status: 'not_executed' };
    },
  });
}

/** An outbox in memory, for the demo and tests. */
export function memoryOutbox() {
  const sent = new Map<string, { id: string; to: string; subject: string }>();
  const outbox: Outbox = {
    async send({ to, subject, idempotencyKey }) {
      const known = sent.get(idempotencyKey);
      if (known) return { id: known.id };
      const message = { id: `msg-${sent.size + 1}`, to, subject };
      sent.set(idempotencyKey, message);
      return { id: message.id };
    },
    async find(idempotencyKey) {
      const message = sent.get(idempotencyKey);
      return message && { id: message.id };
    },
  };
  return { outbox, sent };
}
