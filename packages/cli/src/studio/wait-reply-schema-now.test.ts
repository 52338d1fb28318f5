import { createAgent, humanWait, SqliteCheckpointer } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { AgentCatalog } from './agent-catalog';
import { journalRunSource } from './journal-run-source';

/** One wait for a person, whose reply schema a deploy may change. */
function asking(reply: z.ZodType) {
  return setup({
    actors: { ask: humanWait({ prompt: () => 'Ship the order?', reply }) },
  }).createMachine({
    id: 'shipping',
    initial: 'asking',
    states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
  });
}

describe("the studio's form for a wait whose reply schema changed since it opened", () => {
  it('is the schema the agent it was given checks replies with, not the recorded one', async () => {
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    const before = createAgent({
      machine: asking(z.object({ approved: z.boolean() })),
      checkpointer,
    });
    expect((await before.run({ threadId: 's-1', input: undefined })).status).toBe('waiting');
    await before.close();
    // The deploy: the same chart (the same machine version), one more field in the reply.
    const machine = asking(z.object({ approved: z.boolean(), approver: z.string() }));
    const catalog = new AgentCatalog();
    catalog.add(machine);
    const source = journalRunSource({ store: checkpointer as never, catalog, canReply: true });
    const [wait] = (await source.getRun('s-1'))?.waits ?? [];
    // Before: the form of the recorded schema, whose reply the agent refused (approver missing).
    expect(wait?.replySchema).toMatchObject({ required: ['approved', 'approver'] });
    expect(wait?.recordedReplySchema).toMatchObject({ required: ['approved'] });
    checkpointer.close();
  });
});
