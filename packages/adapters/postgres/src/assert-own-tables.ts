import { CheckpointError } from '@agentchart/core';
import type pg from 'pg';

/** A table agentchart creates, with the columns its statements read and write. */
export interface OwnTable {
  /** Schema-qualified and quoted, as the statements name it. */
  name: string;
  columns: readonly string[];
}

/**
 * Refuses, before anything is created or written, a table of one of agentchart's names that
 * lacks columns agentchart's own always had: someone else's table (or a schema shared with
 * another application), which agentchart must not write into. Runs inside the caller's
 * transaction, on tables that may not exist yet (those pass).
 */
export async function assertOwnTables(
  client: pg.PoolClient,
  tables: readonly OwnTable[],
): Promise<void> {
  for (const { name, columns } of tables) {
    const { rows } = await client.query<{ name: string }>(
      `SELECT attname AS name FROM pg_attribute
       WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
      [name],
    );
    if (rows.length === 0) continue;
    const present = new Set(rows.map((row) => row.name));
    const missing = columns.filter((column) => !present.has(column));
    if (missing.length === 0) continue;
    throw new CheckpointError(
      'checkpoint.foreign_database',
      '',
      `PostgreSQL already has a table ${name} that agentchart did not create (it has no column ${missing.join(', ')}), so nothing was written to it. Give the checkpointer a schema of its own (new PostgresCheckpointer({ schema: 'agentchart', ... })), or rename that table.`,
    );
  }
}
