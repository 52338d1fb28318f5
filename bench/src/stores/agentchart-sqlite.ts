import { SqliteCheckpointer } from '@agentchart/core';
import type { Durability } from './durability';

/**
 * Core's embedded SQLite checkpointer on a file at `path`, at the durability the other stores
 * of a row have (see `Durability`): `wal` is `synchronous: 'normal'`; `fsync` is core's own
 * default, `full`, opened without the option as a user gets it.
 */
export function openAgentchartSqlite(
  path: string,
  durability: Durability = 'wal',
): SqliteCheckpointer {
  return durability === 'fsync'
    ? new SqliteCheckpointer({ path })
    : new SqliteCheckpointer({ path, synchronous: 'normal' });
}
