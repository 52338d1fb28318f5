import { Annotation, type BaseCheckpointSaver, END, START, StateGraph } from '@langchain/langgraph';
import { type ChainState, chainLength, entryOf, increment, type LogEntry } from './chain-machine';

const ChainGraphState = Annotation.Root({
  count: Annotation<number>,
  // LangGraph's way to grow a list: a reducer that appends what each node returns.
  log: Annotation<LogEntry[]>({ reducer: (log, added) => log.concat(added), default: () => [] }),
});

/** The chain as a LangGraph graph: nodes in a row, each adding one and logging its step. */
export function chainGraph(checkpointer?: BaseCheckpointSaver, steps = chainLength) {
  // Node names are built in a loop, which StateGraph's builder types cannot follow.
  const builder: any = new StateGraph(ChainGraphState);
  for (let index = 0; index < steps; index++) {
    builder.addNode(`n${index}`, async (state: ChainState) => {
      const count = await increment(state.count);
      return { count, log: [entryOf(count)] };
    });
    builder.addEdge(index === 0 ? START : `n${index - 1}`, `n${index}`);
  }
  builder.addEdge(`n${steps - 1}`, END);
  const graph = builder.compile(checkpointer ? { checkpointer } : {});
  return graph as {
    invoke(
      input: { count: number; log: LogEntry[] },
      config?: { configurable: { thread_id: string } },
    ): Promise<ChainState>;
  };
}
