import {
  callModel,
  checkFanout,
  type FanoutRound,
  finish,
  prepare,
  simulatedModel,
} from './simulated-model';

/** The floor: `Promise.all` over plain async functions doing the three steps. */
export const plainFanout: FanoutRound = async (size, model = simulatedModel()) => {
  const outputs = await Promise.all(
    Array.from({ length: size }, async (_, id) => {
      const prompt = await prepare(id);
      return finish(id, await callModel(model, prompt));
    }),
  );
  checkFanout('plain async', outputs);
};
