import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { callModel, checkFanout, type FanoutRound, simulatedModel } from './simulated-model';

const FanoutState = Annotation.Root({ id: Annotation<number>, ok: Annotation<boolean> });

/** LangGraph.js: one invoke per id of a one-node graph calling the model; no checkpointer. */
export const langGraphFanout: FanoutRound = async (size) => {
  const model = simulatedModel();
  const graph = new StateGraph(FanoutState)
    .addNode('call', (state) => callModel(model, state.id))
    .addEdge(START, 'call')
    .addEdge('call', END)
    .compile();
  const outputs = await Promise.all(
    Array.from({ length: size }, (_, id) => graph.invoke({ id, ok: false })),
  );
  checkFanout('LangGraph.js', outputs);
};
