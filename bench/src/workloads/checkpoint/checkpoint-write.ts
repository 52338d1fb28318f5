import type { Checkpoint, Checkpointer } from '@agentchart/core';
import { PostgresCheckpointer } from '@agentchart/postgres';
import { startThrowawayPostgres, type ThrowawayPostgres } from '@agentchart/postgres/testing';
import { emptyCheckpoint } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Database from 'better-sqlite3';
import pg from 'pg';
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
  const durable = openAgentchartSqlite(dir.file('agentchart.db'), 'wal');
  const durableFull = openAgentchartSqlite(dir.file('agentchart-full.db'), 'fsync');
  let step = 0;
  const postgres = await openPostgres();
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
    if ('cases' in postgres) cases.push(...postgres.cases);
    const rows = await timeCases('checkpoint write', cases, { timeMs });
    if ('skipped' in postgres) {
      rows.push({
        workload: 'checkpoint write',
        variant: 'agentchart PostgresCheckpointer.save',
        status: 'skipped',
        metrics: {},
        note: `skipped: ${postgres.skipped}`,
      });
    }
    return rows;
  } finally {
    if ('cases' in postgres) await postgres.close();
    snapshots.close();
    saverDb.close();
    durable.close();
    durableFull.close();
    dir.remove();
  }
}

/**
 * The Postgres variants on a throwaway PostgreSQL 15 cluster on loopback (fsync off, like
 * the SQLite rows' no fsync per commit): a raw `pg` insert of the same JSON row (the floor)
 * and agentchart's PostgresCheckpointer.save, each over its own single connection. When no
 * cluster can start, the reason, for a skipped row.
 */
async function openPostgres(): Promise<
  { cases: TimedCase[]; close(): Promise<void> } | { skipped: string }
> {
  let server: ThrowawayPostgres;
  try {
    server = await startThrowawayPostgres();
  } catch (error) {
    return { skipped: (error as Error).message };
  }
  const client = new pg.Client({ connectionString: server.connectionString });
  const checkpointer = new PostgresCheckpointer({
    connectionString: server.connectionString,
    max: 1,
  });
  try {
    await client.connect();
    await client.query(
      'CREATE TABLE snapshots (thread_id text, step integer, state text, PRIMARY KEY (thread_id, step))',
    );
    await checkpointer.list('warm-up');
  } catch (error) {
    await client.end().catch(() => undefined);
    await checkpointer.close().catch(() => undefined);
    server.stop();
    return { skipped: `PostgreSQL started but could not be used: ${(error as Error).message}` };
  }
  let step = 0;
  return {
    cases: [
      {
        variant: 'raw pg insert, Postgres (floor)',
        steps: 1,
        run: async () => {
          const at = step++;
          await client.query({
            name: 'insert-snapshot',
            text: 'INSERT INTO snapshots (thread_id, step, state) VALUES ($1, $2, $3)',
            values: ['t', at, JSON.stringify(snapshotAt(at))],
          });
        },
        note: 'PostgreSQL 15 on loopback, fsync off; JSON text row, prepared, one connection',
      },
      {
        variant: 'agentchart PostgresCheckpointer.save',
        steps: 1,
        run: agentchartSaves(checkpointer),
        note: 'same server; compare-and-set insert of the full state (no deltas), one connection',
      },
    ],
    close: async () => {
      try {
        await client.end();
        await checkpointer.close();
      } finally {
        server.stop();
      }
    },
  };
}
