/**
 * How far a commit goes before it returns, for every store of a durable variant:
 * - `wal`: written to SQLite's write-ahead log, not fsynced (better-sqlite3's default in WAL
 *   mode, which raw XState's store and LangGraph's SqliteSaver use): survives SIGKILL, not
 *   power loss;
 * - `fsync`: fsynced before the commit returns (`PRAGMA synchronous = FULL` for every store,
 *   core's `SqliteCheckpointer` default): survives power loss too.
 */
export type Durability = 'wal' | 'fsync';

/** The `PRAGMA synchronous` level of a durability. */
export function synchronousOf(durability: Durability): 'NORMAL' | 'FULL' {
  return durability === 'fsync' ? 'FULL' : 'NORMAL';
}
