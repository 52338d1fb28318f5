import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import {
  callModel,
  checkFanout,
  type FanoutRound,
  finish,
  prepare,
  simulatedModel,
} from './simulated-model';

const FanoutState = Annotation.Root({
  id: Annotation<number>,
  prompt: Annotation<string>,
  ok: Annotation<boolean>,
});

/** LangGraph.js: one invoke per id of a three-node graph; no checkpointer. */
export const langGraphFanout: FanoutRound = async (size) => {
  const model = simulatedModel();
  const graph = new StateGraph(FanoutState)
    .addNode('prepare', async (state) => ({ prompt: await prepare(state.id) }))
    .addNode('call', async (state) => ({ ok: (await callModel(model, state.prompt)).ok }))
    .addNode('finish', async (state) => finish(state.id, { ok: state.ok }))
    .addEdge(START, 'prepare')
    .addEdge('prepare', 'call')
    .addEdge('call', 'finish')
    .addEdge('finish', END)
    .compile();
  const outputs = await Promise.all(
    Array.from({ length: size }, (_, id) => graph.invoke({ id, prompt: '', ok: false })),
  );
  checkFanout('LangGraph.js', outputs);
};
