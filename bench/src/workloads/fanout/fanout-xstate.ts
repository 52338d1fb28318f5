import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';
import {
  callModel,
  checkFanout,
  type FanoutResult,
  type FanoutRound,
  finish,
  prepare,
  simulatedModel,
} from './simulated-model';

/** Raw XState: one actor per run, three states each invoking its step. */
export const xstateFanout: FanoutRound = async (size, model = simulatedModel()) => {
  const machine = setup({
    types: {
      input: {} as number,
      context: {} as { id: number; prompt: string; verdict?: { ok: boolean } },
      output: {} as FanoutResult,
    },
    actors: {
      prepare: fromPromise<string, number>(({ input }) => prepare(input)),
      call: fromPromise<{ ok: boolean }, string>(({ input }) => callModel(model, input)),
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
  const outputs = await Promise.all(
    Array.from({ length: size }, (_, id) => toPromise(createActor(machine, { input: id }).start())),
  );
  checkFanout('raw XState', outputs);
};
