import { callModel, checkFanout, type FanoutRound, simulatedModel } from './simulated-model';

/** The floor: `Promise.all` over plain async calls. */
export const plainFanout: FanoutRound = async (size) => {
  const model = simulatedModel();
  const outputs = await Promise.all(Array.from({ length: size }, (_, id) => callModel(model, id)));
  checkFanout('plain async', outputs);
};
