import { SqliteCheckpointer } from '@agentchart/core';
import type { SqliteSynchronous } from '@agentchart/core/internal';

/**
 * Core's embedded SQLite checkpointer on a file at `path`. Durability defaults to `normal`
 * here: better-sqlite3 in WAL mode, which raw XState's store and LangGraph's SqliteSaver use,
 * does not fsync a commit either (its build defaults WAL to synchronous NORMAL; strace shows
 * no fsync per commit), so a write survives SIGKILL but not power loss. Core's own default is
 * `full`; the rows that use it say so.
 */
export function openAgentchartSqlite(
  path: string,
  synchronous: SqliteSynchronous = 'normal',
): SqliteCheckpointer {
  return new SqliteCheckpointer({ path, synchronous });
}
