import { type ChatModel, createAgent, structuredCall } from '@agentchart/core';
import { assign, fromPromise, setup } from 'xstate';
import { z } from 'zod';
import {
  callModel,
  checkFanout,
  type FanoutResult,
  type FanoutRound,
  finish,
  prepare,
  simulatedModel,
} from './simulated-model';

/**
 * agentchart (a {@link FanoutRound}): one run per id through the raw XState variant's three states, the middle one a
 * `structuredCall` on the model (journaled, zod-validated, under the reliability policy).
 * `plainCall` makes it a plain promise actor calling the model, as raw XState's is (a probe's
 * baseline for what the run holds without the effect).
 */
export const agentchartFanout = async (
  size: number,
  model: ChatModel = simulatedModel(),
  { plainCall = false }: { plainCall?: boolean } = {},
): Promise<void> => {
  const machine = setup({
    types: {
      input: {} as number,
      context: {} as { id: number; prompt: string; verdict?: { ok: boolean } },
      output: {} as FanoutResult,
    },
    actors: {
      prepare: fromPromise<string, number>(({ input }) => prepare(input)),
      call: plainCall
        ? fromPromise<{ ok: boolean }, string>(({ input }) => callModel(model, input))
        : structuredCall({
            model: 'simulated',
            schema: z.object({ ok: z.boolean() }),
            prompt: (prompt: string) => prompt,
          }),
      finish: fromPromise<FanoutResult, { id: number; verdict: { ok: boolean } }>(({ input }) =>
        finish(input.id, input.verdict),
      ),
    },
  }).createMachine({
    id: 'fanout',
    context: ({ input }) => ({ id: input, prompt: '' }),
    initial: 'preparing',
    states: {
      preparing: {
        invoke: {
          src: 'prepare',
          input: ({ context }) => context.id,
          onDone: { target: 'calling', actions: assign({ prompt: ({ event }) => event.output }) },
        },
      },
      calling: {
        invoke: {
          src: 'call',
          input: ({ context }) => context.prompt,
          onDone: {
            target: 'finishing',
            actions: assign({ verdict: ({ event }) => event.output }),
          },
        },
      },
      finishing: {
        invoke: {
          src: 'finish',
          input: ({ context }) => ({ id: context.id, verdict: context.verdict! }),
          onDone: 'done',
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => ({ id: context.id, ok: context.verdict?.ok === true }),
  });
  const agent = createAgent({ machine, models: { simulated: model } });
  const outcomes = await Promise.all(
    Array.from({ length: size }, (_, id) => agent.run({ input: id })),
  );
  checkFanout(
    'agentchart',
    outcomes.map((outcome) => (outcome.status === 'done' ? outcome.output : undefined)),
  );
};
