import { toolCall } from '@agentchart/core';
import { runEffect } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { memoryOutbox, notifyCustomerTool } from './notify-customer';

describe('notify_customer', () => {
  it('sends one message under the idempotency key the harness gives', async () => {
    const { outbox, sent } = memoryOutbox();
    const tool = notifyCustomerTool(outbox);
    const { output } = await runEffect(toolCall(tool), {
      to: 'ana@example.com',
      ticketId: 'SUP-101',
      queue: 'billing',
    });
    expect(output).toEqual({ messageId: 'msg-1' });
    expect([...sent.keys()]).toEqual([expect.stringMatching(/#0\/0:tool:notify_customer$/)]);
    // After a crash mid-send, reconcile finds the message by that key instead of sending again.
    const key = [...sent.keys()][0]!;
    const signal = new AbortController().signal;
    expect(
      await tool.reconcile?.(
        { to: 'ana@example.com', ticketId: 'SUP-101', queue: 'billing' },
        { signal, idempotencyKey: key, threadId: 't' },
      ),
    ).toEqual({
      status: 'completed',
      output: { messageId: 'msg-1' },
    });
  });

  it('refuses an address that is not one before anything is sent', async () => {
    const { outbox, sent } = memoryOutbox();
    const { error } = await runEffect(toolCall(notifyCustomerTool(outbox)), {
      to: 'not an address',
      ticketId: 'SUP-101',
      queue: 'billing',
    });
    expect(error.code).toBe('tool.invalid_arguments');
    expect(sent.size).toBe(0);
  });
});
