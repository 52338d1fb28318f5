import { agentActor, createAgent, humanWait, SqliteCheckpointer } from '@agentchart/core';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { AgentCatalog } from './agent-catalog';
import { journalRunSource } from './journal-run-source';

/** A child that asks a person, run by a lead that waits for it. */
const asker = setup({
  actors: { ask: humanWait({ prompt: () => 'Pay the vendor?', reply: z.boolean() }) },
}).createMachine({
  id: 'asker',
  initial: 'asking',
  states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
  output: () => ({ ok: true }),
});
const lead = setup({
  actors: { asker: agentActor({ machine: asker, input: z.object({}), output: z.any() }) },
}).createMachine({
  id: 'lead',
  initial: 'asking',
  states: {
    asking: { invoke: { id: 'asker', src: 'asker', input: {}, onDone: 'done' } },
    done: { type: 'final' },
  },
});

// The lead's page showed it waiting with no question and no form: the question was only on
// the child's page, though the reply is the lead's to take (agent.send, agentchart send).
describe("the studio's view of a parent whose child agent waits for a person", () => {
  it("shows the child's wait, named as the parent answers it", async () => {
    const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
    const agent = createAgent({ machine: lead, checkpointer });
    expect((await agent.run({ threadId: 'lead-1', input: undefined })).status).toBe('waiting');
    const source = journalRunSource({
      store: checkpointer as never,
      catalog: new AgentCatalog(),
      canReply: true,
    });
    const run = await source.getRun('lead-1');
    expect(run?.waits).toMatchObject([
      {
        waitId: 'asker#0/0.asker.asking#0/0:human',
        prompt: 'Pay the vendor?',
        childThreadId: 'lead-1/asker#0',
      },
    ]);
    // The form's reply goes to the lead with that id, and reaches the child.
    const handle = await agent.send('lead-1', {
      type: 'human.reply',
      value: true,
      waitId: run!.waits[0]!.waitId,
    });
    expect((await handle.result()).status).toBe('done');
    await agent.close();
    checkpointer.close();
  });
});
