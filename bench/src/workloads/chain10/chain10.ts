import { createAgent } from '@agentchart/core';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Database from 'better-sqlite3';
import { createActor, toPromise } from 'xstate';
import { type TimedCase, timeCases } from '../../measure/time-cases';
import { openAgentchartSqlite } from '../../stores/agentchart-sqlite';
import { boundedMemoryCheckpointer } from '../../stores/bounded-memory-checkpointer';
import { SqliteSnapshotStore } from '../../stores/sqlite-snapshot-store';
import { tempDir } from '../../stores/temp-dir';
import type { Row } from '../../types';
import { chainGraph } from './chain-graph';
import {
  chainLength,
  chainMachine,
  checkChainOutput,
  increment,
  incrementActor,
  incrementToolCall,
} from './chain-machine';

export const agentchartSameMachine = 'agentchart (promise actor per state)';
export const agentchartToolCall = 'agentchart (toolCall per state, journaled)';

/** The agentchart rows run at the durability the others have (see `openAgentchartSqlite`). */
const sameDurability =
  "synchronous 'normal' like the others (no fsync per commit): survives SIGKILL";

/** Runs the agentchart chain once on `agent` and checks its output. */
export async function runAgentchartChain(
  agent: ReturnType<typeof createAgent>,
  variant: string,
): Promise<void> {
  const outcome = await agent.run({ input: undefined });
  if (outcome.status !== 'done') {
    throw new Error(`${variant}: run ended ${outcome.status}, expected done`);
  }
  checkChainOutput(variant, outcome.output);
}

/** chain10 in memory: µs per step of a 10-state chain with trivial work. */
export async function chain10Memory({ timeMs }: { timeMs: number }): Promise<Row[]> {
  const xstateMachine = chainMachine(incrementActor);
  const sameMachine = createAgent({
    machine: chainMachine(incrementActor),
    checkpointer: boundedMemoryCheckpointer(),
  });
  const journaled = createAgent({
    machine: chainMachine(incrementToolCall),
    checkpointer: boundedMemoryCheckpointer(),
  });
  const graph = chainGraph();
  const cases: TimedCase[] = [
    {
      variant: 'plain async (floor)',
      steps: chainLength,
      run: async () => {
        let count = 0;
        for (let step = 0; step < chainLength; step++) count = await increment(count);
        checkChainOutput('plain async', count);
      },
    },
    {
      variant: 'raw XState',
      steps: chainLength,
      run: async () => {
        const actor = createActor(xstateMachine).start();
        checkChainOutput('raw XState', await toPromise(actor));
      },
    },
    {
      variant: agentchartSameMachine,
      steps: chainLength,
      run: () => runAgentchartChain(sameMachine, agentchartSameMachine),
      note: 'the raw XState machine, run by the harness: in-memory checkpoint per macrostep, limits, events',
    },
    {
      variant: agentchartToolCall,
      steps: chainLength,
      run: () => runAgentchartChain(journaled, agentchartToolCall),
      note: 'each step a pure tool via toolCall: zod in/out, journal entry, timeout',
    },
    {
      variant: 'LangGraph.js',
      steps: chainLength,
      run: async () => checkChainOutput('LangGraph.js', (await graph.invoke({ count: 0 })).count),
    },
  ];
  return timeCases('chain10 memory', cases, { timeMs });
}

/** chain10 durable: the same chain with its state written to SQLite after every step. */
export async function chain10Durable({ timeMs }: { timeMs: number }): Promise<Row[]> {
  const dir = tempDir('chain10');
  let thread = 0;
  const floorDb = new Database(dir.file('floor.db'));
  floorDb.pragma('journal_mode = WAL');
  floorDb.exec(
    'CREATE TABLE steps (thread_id TEXT, step INTEGER, state TEXT, PRIMARY KEY (thread_id, step))',
  );
  const floorInsert = floorDb.prepare('INSERT INTO steps VALUES (?, ?, ?)');
  const snapshots = new SqliteSnapshotStore(dir.file('xstate.db'));
  const xstateMachine = chainMachine(incrementActor);
  const saverDb = new Database(dir.file('langgraph.db'));
  const graph = chainGraph(new SqliteSaver(saverDb));
  const durable = openAgentchartSqlite(dir.file('agentchart.db'));
  const sameMachine = createAgent({ machine: chainMachine(incrementActor), checkpointer: durable });
  const journaled = createAgent({
    machine: chainMachine(incrementToolCall),
    checkpointer: durable,
  });
  try {
    const cases: TimedCase[] = [
      {
        variant: 'plain async + SQLite (floor)',
        steps: chainLength,
        run: async () => {
          const threadId = `t${thread++}`;
          let count = 0;
          for (let step = 0; step < chainLength; step++) {
            count = await increment(count);
            floorInsert.run(threadId, step, JSON.stringify({ count }));
          }
          checkChainOutput('plain async + SQLite', count);
        },
      },
      {
        variant: 'raw XState + SQLite',
        steps: chainLength,
        run: async () => {
          const actor = createActor(xstateMachine);
          snapshots.persist(actor, `t${thread++}`);
          checkChainOutput('raw XState + SQLite', await toPromise(actor.start()));
        },
        note: 'persisted snapshot written after every transition (11 rows a run)',
      },
      {
        variant: `${agentchartSameMachine} + SQLite`,
        steps: chainLength,
        run: () => runAgentchartChain(sameMachine, agentchartSameMachine),
        note: sameDurability,
      },
      {
        variant: `${agentchartToolCall} + SQLite`,
        steps: chainLength,
        run: () => runAgentchartChain(journaled, agentchartToolCall),
        note: sameDurability,
      },
      {
        variant: 'LangGraph.js + SqliteSaver',
        steps: chainLength,
        run: async () => {
          const output = await graph.invoke(
            { count: 0 },
            { configurable: { thread_id: `t${thread++}` } },
          );
          checkChainOutput('LangGraph.js + SqliteSaver', output.count);
        },
      },
    ];
    const rows = await timeCases('chain10 durable', cases, { timeMs });
    return rows;
  } finally {
    floorDb.close();
    snapshots.close();
    saverDb.close();
    durable.close();
    dir.remove();
  }
}
