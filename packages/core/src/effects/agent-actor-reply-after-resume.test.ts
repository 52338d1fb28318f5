import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import type { Checkpointer } from '../store/types';
import { scriptedModel } from '../testing/scripted-model';
import { agentActor } from './agent-actor';
import { humanWait } from './human-wait';
import { structuredCall } from './structured-call';

const verdict = z.object({ risk: z.string() });

/** A child that calls the model once, then asks a person. */
const officer = setup({
  types: { context: {} as { risk?: string } },
  actors: {
    assess: structuredCall({ model: 'fast', schema: verdict, prompt: () => 'Assess the vendor' }),
    ask: humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) }),
  },
}).createMachine({
  id: 'officer',
  context: {},
  initial: 'assessing',
  states: {
    assessing: {
      invoke: {
        src: 'assess',
        onDone: { target: 'asking', actions: assign({ risk: ({ event }) => event.output.risk }) },
      },
    },
    asking: { invoke: { src: 'ask', onDone: 'done' } },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ risk: context.risk ?? '' }),
});

const lead = setup({
  types: { context: {} as { result?: unknown } },
  actors: { review: agentActor({ machine: officer, input: z.undefined(), output: verdict }) },
}).createMachine({
  id: 'lead',
  context: {},
  initial: 'reviewing',
  states: {
    reviewing: {
      invoke: {
        src: 'review',
        onDone: { target: 'done', actions: assign({ result: ({ event }) => event.output }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.result,
});

function leadAgent(store: Checkpointer) {
  const model = scriptedModel({ responses: [{ json: { risk: 'low' } }] });
  return createAgent({ machine: lead, models: { fast: model }, checkpointer: store });
}

describe.each([
  ['in memory', () => new MemoryCheckpointer()],
  ['on SQLite', () => new SqliteCheckpointer({ path: ':memory:' })],
])("agentActor: a reply through a resumed parent's handle (%s)", (_, makeStore) => {
  it("answers the child's wait at once, as it answers a lone run's", async () => {
    const store = makeStore();
    const first = leadAgent(store);
    expect((await first.run({ threadId: 'p', input: undefined })).status).toBe('waiting');
    await first.close();

    // Another process (an agent on the same store) resumes the parent and replies at once.
    const second = leadAgent(store);
    const handle = await second.resume('p');
    // The child's wait comes back once its thread is restored, after resume() returned: the
    // reply failed with run.not_waiting, "no pending human wait", of a thread stored waiting.
    handle.reply({ ok: true });
    expect(await handle.result()).toMatchObject({
      status: 'done',
      output: { status: 'done', output: { risk: 'low' } },
    });
    await second.close();
  });

  it('still refuses a reply the resumed parent has no wait for, once it rests', async () => {
    const store = makeStore();
    const first = leadAgent(store);
    await first.run({ threadId: 'p', input: undefined });
    await first.close();

    const second = leadAgent(store);
    const handle = await second.resume('p');
    handle.reply({ ok: true }, 'no-such-wait');
    await expect(handle.result()).rejects.toMatchObject({ code: 'run.not_waiting' });
    expect((await second.getCheckpoint('p'))?.run.status).toBe('waiting');
    await second.close();
  });
});
