import { existsSync } from 'node:fs';
import { type Checkpointer, type RunLog, SqliteCheckpointer } from '@agentchart/core';
import { CliError } from '../cli-error';
import { displayWidth, terminalSafe } from '../terminal-text';
import {
  assertNotEmptyFile,
  defaultDatabase,
  describeDatabase,
  openRunDatabase,
  resolveDatabase,
} from './run-database';
import type { CommandContext } from './types';

export { defaultDatabase };

/**
 * Opens an existing run database for inspection, read-only: nothing is created, migrated or
 * written, so it works on a read-only file and never changes the file it is pointed at. A
 * missing file is a usage error (opening it would create an empty one, and then report "no
 * runs" for a typo); a file that cannot be a run database fails with the store's error,
 * which the CLI prints as one line. A postgres:// URL opens the PostgreSQL store: a database
 * or schema without agentchart's tables fails with `storage.not_found` (nothing is created
 * in it), as a missing file does.
 */
export async function openStore(
  command: string,
  database: string | undefined,
  context: CommandContext,
  schema?: string,
): Promise<{ path: string; store: ReadingStore; close(): Promise<void> }> {
  const resolved = resolveDatabase(database, context, schema);
  if (resolved.kind === 'postgres') {
    const opened = await openRunDatabase(resolved, { command, mustExist: true });
    return {
      path: describeDatabase(resolved),
      store: opened.checkpointer as ReadingStore,
      close: () => opened.close(),
    };
  }
  const { path } = resolved;
  if (!existsSync(path)) {
    throw new CliError(
      'cli.file_not_found',
      `No run database at ${path}. Pass the file agents checkpoint to with --db or AGENTCHART_DB (the demo writes examples/tender-pipeline/.agentchart/runs.db). Run "agentchart ${command} --help" for its usage.`,
    );
  }
  assertNotEmptyFile(path, command);
  const store = new SqliteCheckpointer({ path, readOnly: true });
  return { path, store, close: async () => store.close() };
}

/** What `runs` and `show` read: every store that lists its threads and keeps a run log. */
export type ReadingStore = Checkpointer & Required<Pick<Checkpointer, 'listThreads'>> & RunLog;

/**
 * Pads cells into aligned columns. Cells are made terminal-safe first: they come from the
 * database, and a control character in one would act on the terminal or start a fake row.
 * Padded by the columns a terminal draws them in, not their length: a thread id or an agent
 * name in Japanese or Chinese takes two columns a character, and an emoji sequence two.
 */
export function formatColumns(cells: readonly (readonly string[])[]): string {
  const rows = cells.map((row) => row.map(terminalSafe));
  const shown = rows.map((row) => row.map(displayWidth));
  const widths = rows[0]!.map((_, column) => Math.max(...shown.map((row) => row[column]!)));
  return rows
    .map((row, index) =>
      row
        .map((cell, column) => cell + ' '.repeat(widths[column]! - shown[index]![column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A stored time as ISO 8601, or the raw number when it is not a valid time. */
export function formatTime(milliseconds: number): string {
  const date = new Date(milliseconds);
  return Number.isNaN(date.getTime()) ? String(milliseconds) : date.toISOString();
}
