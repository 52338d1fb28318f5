import { createAgent } from '@agentchart/core';
import { createActor, toPromise } from 'xstate';
import type { TimedVariant } from '../../measure/timed-variant';
import { openAgentchartSqlite } from '../../stores/agentchart-sqlite';
import { boundedMemoryCheckpointer } from '../../stores/bounded-memory-checkpointer';
import { countingCheckpointer } from '../../stores/counting-checkpointer';
import { tempDir } from '../../stores/temp-dir';
import {
  checkChainOutput,
  incrementActor,
  incrementToolCall,
  loopMachine,
} from '../chain10/chain-machine';
import { agentchartSameMachine, agentchartToolCall, runAgentchartChain } from '../chain10/chain10';

/** Options of {@link growthChain}. */
export interface GrowthChainOptions {
  /** The lengths of the runs compared: a run of `n` steps ends with `n` log entries. */
  sizes: number[];
  /** Where checkpoints go: memory, or SQLite without an fsync per commit (`wal`). */
  store: 'memory' | 'sqlite';
}

/** The variant name of `family` at `steps` steps, as the growth table reads it back. */
export const growthVariant = (family: string, size: number, unit: string) =>
  `${family} · ${size} ${unit}`;

/**
 * growth: runs of each length in `sizes`, whose steps add one and append an entry to a log
 * that the state keeps, as a loop (one state entered again and again: the chart stays the same
 * size while the state grows). µs per step at 10, 100 and 1,000 steps — timed in the same
 * rounds, so their ratio is taken round by round — shows whether a step costs what it changed
 * or the size of the state; on SQLite, the bytes written per step too.
 */
export function growthChain({ sizes, store }: GrowthChainOptions): TimedVariant[] {
  return sizes.flatMap((steps) => chainOfLength(steps, store));
}

function chainOfLength(steps: number, store: GrowthChainOptions['store']): TimedVariant[] {
  const sqlite = store === 'sqlite';
  const where = sqlite ? ' + SQLite' : '';
  const agentchart = (variant: string, work: typeof incrementActor): TimedVariant => ({
    variant: growthVariant(`${variant}${where}`, steps, 'steps'),
    steps,
    setup: async () => {
      const machine = loopMachine(work, steps);
      if (!sqlite) {
        const agent = createAgent({ machine, checkpointer: boundedMemoryCheckpointer() });
        return { run: () => runAgentchartChain(agent, variant, steps) };
      }
      const dir = tempDir('growth');
      const checkpointer = openAgentchartSqlite(dir.file('agentchart.db'), 'wal');
      const agent = createAgent({ machine, checkpointer });
      return {
        run: () => runAgentchartChain(agent, variant, steps),
        // One more run, through a counter of what the store says it wrote (checkpoint deltas
        // and journal rows), untimed.
        measure: async () => {
          let bytes = 0;
          const counted = createAgent({
            machine,
            checkpointer: countingCheckpointer(checkpointer, (written) => {
              bytes += written;
            }),
          });
          await runAgentchartChain(counted, variant, steps);
          return { bytesPerStep: bytes / steps };
        },
        close: () => {
          checkpointer.close();
          dir.remove();
        },
      };
    },
  });
  return [
    {
      variant: growthVariant(`raw XState${where}`, steps, 'steps'),
      steps,
      setup: async () => {
        const machine = loopMachine(incrementActor, steps);
        if (!sqlite) {
          return {
            run: async () => {
              checkChainOutput('raw XState', await toPromise(createActor(machine).start()), steps);
            },
          };
        }
        const { SqliteSnapshotStore } = await import('../../stores/sqlite-snapshot-store');
        const dir = tempDir('growth');
        const snapshots = new SqliteSnapshotStore(dir.file('xstate.db'), 'wal');
        let thread = 0;
        return {
          run: async () => {
            const actor = createActor(machine);
            snapshots.persist(actor, `t${thread++}`);
            checkChainOutput('raw XState + SQLite', await toPromise(actor.start()), steps);
          },
          measure: async () => {
            const before = snapshots.bytesWritten;
            const actor = createActor(machine);
            snapshots.persist(actor, `t${thread++}`);
            await toPromise(actor.start());
            return { bytesPerStep: (snapshots.bytesWritten - before) / steps };
          },
          close: () => {
            snapshots.close();
            dir.remove();
          },
        };
      },
    },
    agentchart(agentchartSameMachine, incrementActor),
    agentchart(agentchartToolCall, incrementToolCall),
  ];
}
