import { createAgent, structuredCall } from '@agentchart/core';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { checkFanout, type FanoutRound, simulatedModel } from './simulated-model';

/** agentchart: one run per id, its one state invoking a `structuredCall` on the model. */
export const agentchartFanout: FanoutRound = async (size) => {
  const machine = setup({
    types: { input: {} as number, context: {} as { id: number; ok: boolean } },
    actors: {
      call: structuredCall({
        model: 'simulated',
        schema: z.object({ ok: z.boolean() }),
        prompt: (id: number) => `Run ${id}: answer ok.`,
      }),
    },
  }).createMachine({
    id: 'fanout',
    context: ({ input }) => ({ id: input, ok: false }),
    initial: 'calling',
    states: {
      calling: {
        invoke: {
          src: 'call',
          input: ({ context }) => context.id,
          onDone: { target: 'done', actions: assign({ ok: ({ event }) => event.output.ok }) },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context,
  });
  const agent = createAgent({ machine, models: { simulated: simulatedModel() } });
  const outcomes = await Promise.all(
    Array.from({ length: size }, (_, id) => agent.run({ input: id })),
  );
  checkFanout(
    'agentchart',
    outcomes.map((outcome) =>
      outcome.status === 'done'
        ? (outcome.output as { id: number; ok: boolean })
        : { id: -1, ok: false },
    ),
  );
};
