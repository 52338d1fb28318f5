import type { Checkpoint, Checkpointer } from '@agentchart/core';
import { emptyCheckpoint } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Database from 'better-sqlite3';
import { type TimedCase, timeCases } from '../../measure/time-cases';
import { openAgentchartSqlite } from '../../stores/agentchart-sqlite';
import { boundedMemoryCheckpointer } from '../../stores/bounded-memory-checkpointer';
import { SqliteSnapshotStore } from '../../stores/sqlite-snapshot-store';
import { tempDir } from '../../stores/temp-dir';
import type { Row } from '../../types';
import { message } from '../history/byte-meter';

/**
 * The state every store writes: a persisted XState snapshot of an agent with a short
 * conversation (about 1.3 KB of JSON), its step counter changed on every write, as
 * consecutive checkpoints of one thread are.
 */
function snapshotAt(step: number) {
  return {
    status: 'active',
    value: 'replying',
    historyValue: {},
    context: {
      step,
      messages: [
        { role: 'user', content: 'Talk to me.' },
        { role: 'assistant', content: message(0) },
      ],
    },
    children: {},
  };
}

function agentchartCheckpoint(threadId: string, version: number): Checkpoint {
  return {
    threadId,
    version,
    machineVersion: 'bench',
    snapshot: snapshotAt(version),
    run: {
      status: 'running',
      input: undefined,
      startedAt: 0,
      occurrences: {},
      usage: {
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        modelCalls: 0,
        toolCalls: 0,
        steps: version,
      },
    },
    createdAt: version,
  };
}

/** Saves checkpoints 1, 2, 3 … of one thread at a time, a new thread every 1,000. */
export function agentchartSaves(checkpointer: Checkpointer): () => Promise<void> {
  let thread = 0;
  let version = 0;
  return async () => {
    if (version === 1000) {
      thread++;
      version = 0;
    }
    await checkpointer.save(agentchartCheckpoint(`t${thread}`, ++version));
  };
}

/** checkpoint write: µs to store one checkpoint of about 1.3 KB. */
export async function checkpointWrite({ timeMs }: { timeMs: number }): Promise<Row[]> {
  const dir = tempDir('checkpoint');
  const snapshots = new SqliteSnapshotStore(dir.file('xstate.db'));
  const saverDb = new Database(dir.file('langgraph.db'));
  const saver = new SqliteSaver(saverDb);
  const durable = openAgentchartSqlite(dir.file('agentchart.db'), 'normal');
  const durableFull = openAgentchartSqlite(dir.file('agentchart-full.db'), 'full');
  let step = 0;
  try {
    const cases: TimedCase[] = [
      {
        variant: 'raw better-sqlite3 insert (floor)',
        steps: 1,
        run: async () => {
          snapshots.write('t', step, snapshotAt(step));
          step++;
        },
        note: 'JSON row, prepared statement, WAL (no fsync per commit)',
      },
      {
        variant: 'agentchart SqliteCheckpointer.save',
        steps: 1,
        run: agentchartSaves(durable),
        note: "synchronous 'normal' like the floor and SqliteSaver; each save a delta on the one before",
      },
      {
        variant: 'agentchart SqliteCheckpointer.save, synchronous full',
        steps: 1,
        run: agentchartSaves(durableFull),
        note: "core's default: fsync per commit, survives power loss",
      },
      {
        variant: 'agentchart MemoryCheckpointer (reference)',
        steps: 1,
        run: agentchartSaves(boundedMemoryCheckpointer()),
        note: 'in memory, the checkpoint kept as JSON text; 1,000 checkpoints a thread',
      },
      {
        variant: 'LangGraph.js SqliteSaver.put',
        steps: 1,
        run: async () => {
          const checkpoint = {
            ...emptyCheckpoint(),
            id: String(step).padStart(12, '0'),
            channel_values: { state: snapshotAt(step) },
          };
          await saver.put({ configurable: { thread_id: 't', checkpoint_ns: '' } }, checkpoint, {
            source: 'loop',
            step,
            parents: {},
          });
          step++;
        },
      },
    ];
    const rows = await timeCases('checkpoint write', cases, { timeMs });
    rows.push({
      workload: 'checkpoint write',
      variant: 'agentchart on Postgres',
      status: 'skipped',
      metrics: {},
      note: 'skipped: no Postgres checkpointer exists yet (@agentchart/postgres is not built)',
    });
    return rows;
  } finally {
    snapshots.close();
    saverDb.close();
    durable.close();
    durableFull.close();
    dir.remove();
  }
}
