import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { Checkpointer } from '../store/types';
import { agentActor } from './agent-actor';
import { humanWait } from './human-wait';

const report = z.object({ report: z.string() });

/** A child that asks a person for its report. */
const researcher = setup({
  types: { input: {} as { topic: string }, context: {} as { topic: string; report?: string } },
  actors: {
    ask: humanWait({ prompt: (topic: string) => `Research ${topic}`, reply: report }),
  },
}).createMachine({
  id: 'researcher',
  context: ({ input }) => ({ topic: input.topic }),
  initial: 'asking',
  states: {
    asking: {
      invoke: {
        src: 'ask',
        input: ({ context }) => context.topic,
        onDone: { target: 'done', actions: assign({ report: ({ event }) => event.output.report }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ report: context.report ?? '' }),
});

/** A parent that delegates to the researcher and keeps what it got back. */
const boss = setup({
  types: { input: {} as { topic: string }, context: {} as { topic: string; result?: unknown } },
  actors: {
    research: agentActor({
      machine: researcher,
      input: z.object({ topic: z.string() }),
      output: report,
    }),
  },
}).createMachine({
  id: 'boss',
  context: ({ input }) => ({ topic: input.topic }),
  initial: 'delegating',
  states: {
    delegating: {
      invoke: {
        src: 'research',
        input: ({ context }) => ({ topic: context.topic }),
        onDone: { target: 'done', actions: assign({ result: ({ event }) => event.output }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.result,
});

/** The id the parent's child takes, checked on a run of the parent on a scratch store. */
async function childIdOf(parentThreadId: string): Promise<string> {
  const store = new MemoryCheckpointer();
  const scratch = createAgent({ machine: boss, checkpointer: store });
  await scratch.run({ threadId: parentThreadId, input: { topic: 'x' } });
  await scratch.close();
  const childId = `${parentThreadId}/0.boss.delegating#0`;
  expect((await store.latest(childId))?.run.parentThreadId).toBe(parentThreadId);
  return childId;
}

/**
 * Copies every checkpoint of `from` to thread `to`, as a row written straight into the store
 * (or by an older version that let any id be started) would put it there.
 */
async function copyThread(store: Checkpointer, from: string, to: string): Promise<void> {
  for (const { version } of await store.list(from)) {
    const checkpoint = (await store.get(from, version))!;
    await store.save({ ...checkpoint, threadId: to, owner: undefined });
  }
}

/** The parent's and the child's agents, as one service would run them on its one store. */
function agentsOnOneStore() {
  const store = new MemoryCheckpointer();
  return {
    store,
    researcherAgent: createAgent({ name: 'researcher', machine: researcher, checkpointer: store }),
    bossAgent: createAgent({ name: 'boss', machine: boss, checkpointer: store }),
  };
}

describe('a thread stored at a child agent’s id that its parent did not start', () => {
  it('is not adopted as the child: the step fails with agent.foreign_child_thread and the thread is left as it was', async () => {
    const { store, researcherAgent, bossAgent } = agentsOnOneStore();
    const childId = await childIdOf('order-1001');
    // Tenant B's researcher, answered with B's report, moved to the id A's child will take.
    const planted = await researcherAgent.run({
      threadId: 'planted',
      tenantId: 'tenant-B',
      input: { topic: 'anything' },
    });
    expect(planted.status).toBe('waiting');
    const answered = await researcherAgent.send(
      'planted',
      {
        type: 'human.reply',
        value: { report: 'ATTACKER-CHOSEN REPORT' },
      },
      { tenantId: 'tenant-B' },
    );
    expect((await answered.result()).status).toBe('done');
    await copyThread(store, 'planted', childId);
    const before = await store.latest(childId);

    const outcome = await bossAgent.run({
      threadId: 'order-1001',
      tenantId: 'tenant-A',
      input: { topic: 'quarterly numbers' },
    });

    expect(outcome.status).toBe('done');
    const result = (outcome as { output: { status: string; error?: { code: string } } }).output;
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('agent.foreign_child_thread');
    expect(JSON.stringify(outcome)).not.toContain('ATTACKER-CHOSEN');
    expect(await store.latest(childId)).toEqual(before);
    await bossAgent.close();
    await researcherAgent.close();
  });

  it('is refused when it is the same tenant’s thread, started on its own', async () => {
    const { store, researcherAgent, bossAgent } = agentsOnOneStore();
    const childId = await childIdOf('order-7');
    await researcherAgent.run({ threadId: 'loose', tenantId: 'tenant-A', input: { topic: 't' } });
    await copyThread(store, 'loose', childId);

    const outcome = await bossAgent.run({
      threadId: 'order-7',
      tenantId: 'tenant-A',
      input: { topic: 't' },
    });

    // Not waiting on the planted thread's question: the parent's child step failed instead.
    expect(outcome.status).toBe('done');
    expect((outcome as { output: { error?: { code: string } } }).output.error?.code).toBe(
      'agent.foreign_child_thread',
    );
    await bossAgent.close();
    await researcherAgent.close();
  });

  it('still lets a parent go on with its own child after a restart', async () => {
    const store = new MemoryCheckpointer();
    const first = createAgent({ name: 'boss', machine: boss, checkpointer: store });
    const waiting = await first.run({
      threadId: 'order-9',
      tenantId: 'tenant-A',
      input: { topic: 't' },
    });
    expect(waiting.status).toBe('waiting');
    await first.close();

    const second = createAgent({ name: 'boss', machine: boss, checkpointer: store });
    const handle = await second.send(
      'order-9',
      { type: 'human.reply', value: { report: 'mine' } },
      {
        tenantId: 'tenant-A',
      },
    );
    const outcome = await handle.result();
    expect(outcome.status).toBe('done');
    expect((outcome as { output: unknown }).output).toMatchObject({
      status: 'done',
      output: { report: 'mine' },
    });
    await second.close();
  });
});

/** The error `call` throws or rejects with. */
async function refusal(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('starting a thread under an id shaped like a child agent’s', () => {
  it('is refused by start, run and fork with definition.invalid_option', async () => {
    const agent = createAgent({ machine: researcher, checkpointer: new MemoryCheckpointer() });
    const childShaped = 'order-1001/0.boss.delegating#0';
    for (const call of [
      () => agent.start({ threadId: childShaped, input: { topic: 't' } }),
      () => agent.run({ threadId: childShaped, input: { topic: 't' } }),
    ]) {
      await expect(refusal(call)).resolves.toMatchObject({
        code: 'definition.invalid_option',
        message: expect.stringContaining("shape of a child agent's thread"),
      });
    }
    await agent.run({ threadId: 'source', input: { topic: 't' } });
    await expect(
      refusal(() => agent.fork({ from: 'source', threadId: 'x/y#12' })),
    ).resolves.toMatchObject({
      code: 'definition.invalid_option',
    });
    // Ids with a slash or a hash alone are ordinary.
    for (const threadId of ['tenant/123', 'ticket#42', 'a/b#c', 'a#1/b']) {
      const outcome = await agent.run({ threadId, input: { topic: 't' } });
      expect(outcome.status).toBe('waiting');
    }
    await agent.close();
  });
});
