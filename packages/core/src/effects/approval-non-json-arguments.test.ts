import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { defineTool } from '../tools/define-tool';
import { requestApproval } from './request-approval';
import { toolCall } from './tool-call';
import type { ApprovalGrant } from './use-approval-grant';

/** A chart that asks for a grant of a webhook call, waits for `go`, then posts on it. */
function webhookAgent() {
  const posted: string[] = [];
  const postWebhook = defineTool({
    name: 'post_webhook',
    description: 'Posts the report to a URL.',
    // The validated arguments hold a URL, a class instance with toJSON.
    input: z.object({ url: z.string().transform((text) => new URL(text)) }),
    output: z.string(),
    effect: 'unsafe',
    execute: async ({ url }) => {
      posted.push(url.href);
      return 'ok';
    },
  });
  const machine = setup({
    types: {
      context: {} as { url: string; grant?: ApprovalGrant; error?: unknown },
      events: {} as { type: 'amend'; url: string } | { type: 'go' },
    },
    actors: {
      approve: requestApproval(postWebhook),
      post: toolCall(postWebhook, { approval: 'grant' }),
    },
  }).createMachine({
    id: 'webhook',
    context: { url: 'https://good.example/hook' },
    initial: 'approving',
    on: { amend: { actions: assign({ url: ({ event }) => event.url }) } },
    states: {
      approving: {
        invoke: {
          src: 'approve',
          input: ({ context }) => ({ url: context.url }),
          onDone: { target: 'ready', actions: assign({ grant: ({ event }) => event.output }) },
        },
      },
      ready: { on: { go: 'posting' } },
      posting: {
        invoke: {
          src: 'post',
          input: ({ context }) => ({ input: { url: context.url }, approval: context.grant! }),
          onDone: 'ready',
          onError: { target: 'ready', actions: assign({ error: ({ event }) => event.error }) },
        },
      },
    },
  });
  const agent = createAgent({ machine, checkpointer: new MemoryCheckpointer() });
  return { agent, posted };
}

describe('approvals of arguments that are not plain JSON', () => {
  it('binds a grant to the URL shown, so it does not cover another URL (review finding: every URL hashed as {})', async () => {
    const { agent, posted } = webhookAgent();
    const handle = agent.start({ threadId: 'w', input: undefined });
    const waiting = await handle.result();
    if (waiting.status !== 'waiting') throw new Error(`expected waiting, got ${waiting.status}`);
    expect(waiting.waits[0]?.prompt).toContain('{"url":"https://good.example/hook"}');
    handle.reply({ approved: true });
    await handle.result();
    handle.send({ type: 'amend', url: 'https://evil.example/steal' });
    handle.send({ type: 'go' });
    await handle.result();
    expect(posted).toEqual([]);
    expect(handle.getSnapshot().context.error).toMatchObject({
      code: 'approval.required',
      details: { reason: 'arguments-changed' },
    });
    handle.send({ type: 'amend', url: 'https://good.example/hook' });
    handle.send({ type: 'go' });
    await handle.result();
    expect(posted).toEqual(['https://good.example/hook']);
  });

  it('refuses to ask about arguments holding a Map, which would be shown and hashed as {}', async () => {
    const ran: unknown[] = [];
    const tag = defineTool({
      name: 'tag_records',
      description: 'Tags records.',
      // The validated arguments hold a Map, which JSON writes as {}.
      input: z.object({
        tags: z.array(z.tuple([z.string(), z.string()])).transform((entries) => new Map(entries)),
      }),
      output: z.string(),
      effect: 'unsafe',
      approval: 'always',
      execute: async (input) => {
        ran.push(input);
        return 'ok';
      },
    });
    const machine = setup({
      types: { context: {} as { error?: unknown } },
      actors: { tag: toolCall(tag) },
    }).createMachine({
      id: 'tagging',
      context: {},
      initial: 'tagging',
      states: {
        tagging: {
          invoke: {
            src: 'tag',
            input: { tags: [['record-1', 'delete']] },
            onDone: 'done',
            onError: { target: 'refused', actions: assign({ error: ({ event }) => event.error }) },
          },
        },
        done: { type: 'final' },
        refused: { type: 'final' },
      },
    });
    const agent = createAgent({ machine, checkpointer: new MemoryCheckpointer() });
    const handle = agent.start({ threadId: 'm', input: undefined });
    const outcome = await handle.result();
    expect(outcome.status).not.toBe('waiting');
    expect(ran).toEqual([]);
    expect(handle.getSnapshot().value).toBe('refused');
    expect(handle.getSnapshot().context.error).toMatchObject({
      code: 'approval.arguments_not_json',
      details: { tool: 'tag_records', path: ['tags'] },
    });
  });
});
