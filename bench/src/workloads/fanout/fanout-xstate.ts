import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';
import { callModel, checkFanout, type FanoutRound, simulatedModel } from './simulated-model';

/** Raw XState: one actor per run, its one state invoking the model call. */
export const xstateFanout: FanoutRound = async (size) => {
  const model = simulatedModel();
  const machine = setup({
    types: {
      input: {} as number,
      context: {} as { id: number; ok: boolean },
      output: {} as { id: number; ok: boolean },
    },
    actors: {
      call: fromPromise<{ id: number; ok: boolean }, number>(({ input }) =>
        callModel(model, input),
      ),
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
          onDone: { target: 'done', actions: assign(({ event }) => event.output) },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context,
  });
  const outputs = await Promise.all(
    Array.from({ length: size }, (_, id) => toPromise(createActor(machine, { input: id }).start())),
  );
  checkFanout('raw XState', outputs);
};
