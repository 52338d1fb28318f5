import { type Checkpointer, createAgent } from '@agentchart/core';
import { createActor, toPromise } from 'xstate';
import type { TimedRun, TimedVariant } from '../../measure/timed-variant';
import { openAgentchartSqlite } from '../../stores/agentchart-sqlite';
import { boundedMemoryCheckpointer } from '../../stores/bounded-memory-checkpointer';
import { type Durability, synchronousOf } from '../../stores/durability';
import { tempDir } from '../../stores/temp-dir';
import {
  type ChainState,
  chainLength,
  chainMachine,
  checkChainOutput,
  entryOf,
  increment,
  incrementActor,
  incrementToolCall,
  type LogEntry,
} from './chain-machine';

export const agentchartSameMachine = 'agentchart (promise actor per state)';
export const agentchartToolCall = 'agentchart (toolCall per state, journaled)';

/** Options of the chain10 workloads. */
export interface Chain10Options {
  /** Absent: in memory. Otherwise every variant writes each step to SQLite at this durability. */
  durability?: Durability;
}

/** Runs the agentchart chain once on `agent` and checks its output. */
export async function runAgentchartChain(
  agent: ReturnType<typeof createAgent>,
  variant: string,
  steps = chainLength,
): Promise<void> {
  const outcome = await agent.run({ input: undefined });
  if (outcome.status !== 'done') {
    throw new Error(`${variant}: run ended ${outcome.status}, expected done`);
  }
  checkChainOutput(variant, outcome.output, steps);
}

/** A variant that needs a temporary directory for its database files. */
async function withDir(build: (file: (name: string) => string) => TimedRun): Promise<TimedRun> {
  const dir = tempDir('chain10');
  const built = build(dir.file);
  return {
    ...built,
    close: async () => {
      await built.close?.();
      dir.remove();
    },
  };
}

/** An agentchart variant: the chain machine on `work`, run by `createAgent`. */
function agentchartVariant(
  variant: string,
  work: typeof incrementActor,
  durability: Durability | undefined,
  note: string,
): TimedVariant {
  return {
    variant: durability ? `${variant} + SQLite` : variant,
    steps: chainLength,
    note,
    setup: async () => {
      if (!durability) {
        const agent = createAgent({
          machine: chainMachine(work),
          checkpointer: boundedMemoryCheckpointer(),
        });
        return { run: () => runAgentchartChain(agent, variant) };
      }
      return withDir((file) => {
        const checkpointer: Checkpointer & { close(): void } = openAgentchartSqlite(
          file('agentchart.db'),
          durability,
        );
        const agent = createAgent({ machine: chainMachine(work), checkpointer });
        return { run: () => runAgentchartChain(agent, variant), close: () => checkpointer.close() };
      });
    },
  };
}

/**
 * chain10: µs per step of a 10-state chain whose steps add one and append an entry to a log
 * (so the state grows, as it does for the peers). In memory, or written to SQLite after every
 * step at the given durability.
 */
export function chain10({ durability }: Chain10Options = {}): TimedVariant[] {
  const where = durability ? ' + SQLite' : '';
  const agentchartNote =
    durability === 'fsync'
      ? "core's default durability (synchronous 'full'): fsync per commit, survives power loss"
      : durability === 'wal'
        ? "synchronous 'normal' like the others (no fsync per commit): survives SIGKILL"
        : undefined;
  return [
    {
      variant: `plain async${where} (floor)`,
      steps: chainLength,
      ...(durability ? { note: 'one row inserted per step' } : {}),
      setup: async () => {
        const step = async (state: ChainState): Promise<ChainState> => {
          const count = await increment(state.count);
          return { count, log: [...state.log, entryOf(count)] };
        };
        if (!durability) {
          return {
            run: async () => {
              let state: ChainState = { count: 0, log: [] };
              for (let index = 0; index < chainLength; index++) state = await step(state);
              checkChainOutput('plain async', state);
            },
          };
        }
        const { default: Database } = await import('better-sqlite3');
        return withDir((file) => {
          const db = new Database(file('floor.db'));
          db.pragma('journal_mode = WAL');
          db.pragma(`synchronous = ${synchronousOf(durability)}`);
          db.exec(
            'CREATE TABLE steps (thread_id TEXT, step INTEGER, entry TEXT, PRIMARY KEY (thread_id, step))',
          );
          const insert = db.prepare('INSERT INTO steps VALUES (?, ?, ?)');
          let thread = 0;
          return {
            run: async () => {
              const threadId = `t${thread++}`;
              let state: ChainState = { count: 0, log: [] };
              for (let index = 0; index < chainLength; index++) {
                state = await step(state);
                insert.run(threadId, index, JSON.stringify(state.log.at(-1)));
              }
              checkChainOutput('plain async + SQLite', state);
            },
            close: () => {
              db.close();
            },
          };
        });
      },
    },
    {
      variant: `raw XState${where}`,
      steps: chainLength,
      ...(durability
        ? { note: 'persisted snapshot written after every transition (11 rows a run)' }
        : {}),
      setup: async () => {
        const machine = chainMachine(incrementActor);
        if (!durability) {
          return {
            run: async () => {
              const actor = createActor(machine).start();
              checkChainOutput('raw XState', await toPromise(actor));
            },
          };
        }
        const { SqliteSnapshotStore } = await import('../../stores/sqlite-snapshot-store');
        return withDir((file) => {
          const snapshots = new SqliteSnapshotStore(file('xstate.db'), durability);
          let thread = 0;
          return {
            run: async () => {
              const actor = createActor(machine);
              snapshots.persist(actor, `t${thread++}`);
              checkChainOutput('raw XState + SQLite', await toPromise(actor.start()));
            },
            close: () => snapshots.close(),
          };
        });
      },
    },
    agentchartVariant(
      agentchartSameMachine,
      incrementActor,
      durability,
      agentchartNote ??
        'the raw XState machine, run by the harness: in-memory checkpoint per macrostep, limits, events',
    ),
    agentchartVariant(
      agentchartToolCall,
      incrementToolCall,
      durability,
      agentchartNote ?? 'each step a pure tool via toolCall: zod in/out, journal entry, timeout',
    ),
    {
      variant: `LangGraph.js${durability ? ' + SqliteSaver' : ''}`,
      steps: chainLength,
      setup: async () => {
        const { chainGraph } = await import('./chain-graph');
        const start = (): ChainState => ({ count: 0, log: [] as LogEntry[] });
        if (!durability) {
          const graph = chainGraph();
          return {
            run: async () => checkChainOutput('LangGraph.js', await graph.invoke(start())),
          };
        }
        const { SqliteSaver } = await import('@langchain/langgraph-checkpoint-sqlite');
        const { default: Database } = await import('better-sqlite3');
        return withDir((file) => {
          const db = new Database(file('langgraph.db'));
          db.pragma('journal_mode = WAL');
          db.pragma(`synchronous = ${synchronousOf(durability)}`);
          const graph = chainGraph(new SqliteSaver(db));
          let thread = 0;
          return {
            run: async () => {
              const output = await graph.invoke(start(), {
                configurable: { thread_id: `t${thread++}` },
              });
              checkChainOutput('LangGraph.js + SqliteSaver', output);
            },
            close: () => {
              db.close();
            },
          };
        });
      },
    },
  ];
}
