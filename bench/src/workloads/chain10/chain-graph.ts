import { Annotation, type BaseCheckpointSaver, END, START, StateGraph } from '@langchain/langgraph';
import { chainLength, increment } from './chain-machine';

const ChainState = Annotation.Root({ count: Annotation<number> });

/** The chain as a LangGraph graph: ten nodes in a row, each adding one to `count`. */
export function chainGraph(checkpointer?: BaseCheckpointSaver) {
  // Node names are built in a loop, which StateGraph's builder types cannot follow.
  const builder: any = new StateGraph(ChainState);
  for (let index = 0; index < chainLength; index++) {
    builder.addNode(`n${index}`, async (state: { count: number }) => ({
      count: await increment(state.count),
    }));
    builder.addEdge(index === 0 ? START : `n${index - 1}`, `n${index}`);
  }
  builder.addEdge(`n${chainLength - 1}`, END);
  const graph = builder.compile(checkpointer ? { checkpointer } : {});
  return graph as {
    invoke(
      input: { count: number },
      config?: { configurable: { thread_id: string } },
    ): Promise<{ count: number }>;
  };
}
