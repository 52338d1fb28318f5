import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
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

function leadAgent(store: MemoryCheckpointer, evictWaiting: boolean) {
  const model = scriptedModel({ responses: [{ json: { risk: 'low' } }] });
  return createAgent({ machine: lead, models: { fast: model }, checkpointer: store, evictWaiting });
}

describe('a parent stopped while its child agent waits for a person', () => {
  const ways = {
    'live (evictWaiting: false), stopped through its handle': { evict: false, resume: false },
    'evicted, stopped through its handle': { evict: true, resume: false },
    'evicted, resumed then stopped': { evict: true, resume: true },
  };
  for (const [name, { evict, resume }] of Object.entries(ways)) {
    it(`keeps the child's usage in its outcome, its run.end and its checkpoint: ${name}`, async () => {
      const store = new MemoryCheckpointer();
      const agent = leadAgent(store, evict);
      const ends: { modelCalls: number }[] = [];
      agent.events.on('run.end', ({ threadId, usage }) => {
        if (threadId === 'lead-1') ends.push(usage);
      });
      const handle = agent.start({ threadId: 'lead-1', input: undefined });
      const waiting = await handle.result();
      expect(waiting.status).toBe('waiting');
      expect(waiting.usage.modelCalls).toBe(1);

      const stopped = resume ? await (await agent.resume('lead-1')).stop() : await handle.stop();

      expect(stopped.status).toBe('stopped');
      expect(stopped.usage.modelCalls).toBe(1);
      expect(ends.at(-1)?.modelCalls).toBe(1);
      expect((await store.latest('lead-1'))?.run.usage?.modelCalls).toBe(1);
      const [record] = (await store.listEffects('lead-1')).filter(
        (entry) => entry.kind === 'agent',
      );
      expect(record?.status).toBe('completed');
      expect(record?.output).toMatchObject({ status: 'stopped', usage: { modelCalls: 1 } });
      await agent.close();
    });
  }
});
