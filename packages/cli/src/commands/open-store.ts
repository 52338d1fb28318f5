import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SqliteCheckpointer } from '@agentchart/core';
import { CliError } from '../cli-error';
import type { CommandContext } from './types';

/** Where `runs` and `show` look when no `--db` is given: the embedded default store. */
export const defaultDatabase = '.agentchart/runs.db';

/**
 * Opens an existing run database read for inspection. A missing file is a usage error
 * (opening it would create an empty one, and then report "no runs" for a typo).
 */
export function openStore(command: string, database: string | undefined, context: CommandContext) {
  const path = resolve(context.cwd, database ?? defaultDatabase);
  if (!existsSync(path)) {
    throw new CliError(
      'cli.file_not_found',
      `No run database at ${path}. Pass the file agents checkpoint to with --db (the demo writes examples/tender-pipeline/.agentchart/runs.db). Run "agentchart ${command} --help" for its usage.`,
    );
  }
  return { path, store: new SqliteCheckpointer({ path }) };
}

/** Pads cells into aligned columns. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
