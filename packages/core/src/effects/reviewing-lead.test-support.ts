import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent';
import type { Checkpointer } from '../store/types';
import { scriptedModel } from '../testing/scripted-model';
import { agentActor } from './agent-actor';
import { humanWait } from './human-wait';
import { structuredCall } from './structured-call';

/** What the officer decides. */
export const verdict = z.object({ risk: z.string() });

/** A child that calls the model once, then asks a person. */
export const officer = setup({
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

/** A parent that runs the officer as a child agent and ends with its verdict. */
export const lead = setup({
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

/** The lead's agent on `store`, its model answering the officer's one call with a low risk. */
export function leadAgent(store: Checkpointer, { evictWaiting }: { evictWaiting?: boolean } = {}) {
  const model = scriptedModel({ responses: [{ json: { risk: 'low' } }] });
  return createAgent({
    machine: lead,
    models: { fast: model },
    checkpointer: store,
    ...(evictWaiting === undefined ? {} : { evictWaiting }),
  });
}
