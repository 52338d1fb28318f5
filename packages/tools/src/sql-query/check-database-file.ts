import { statSync } from 'node:fs';
import { DefinitionError } from '@agentchart/core';
import { closestName } from '@agentchart/core/internal';

/**
 * Refuses, at definition time, a path that is not an SQLite file, and a `tables` list naming a table or view the database does not
 * have: the authorizer would refuse every query on the misspelt name, and the model, which
 * cannot fix the option, would be told only that reading it is not allowed. A file that does
 * not exist yet (made later, before the first call) is not checked here; the call says so.
 */
export function checkDatabaseFile(
  owner: string,
  file: string,
  tables: readonly string[] | undefined,
): void {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isFile()) {
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: path is not a file (a directory or a device). Give the path of an SQLite file.`,
    );
  }
  const known = readTableNames(owner, file);
  if (known === undefined || tables === undefined) return;
  for (const table of tables) {
    if (known.includes(table)) continue;
    const closest = closestName(table, known);
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: tables names "${table}", which the database has no table or view of${closest ? `; did you mean "${closest}"?` : '.'} Every query reading it would be refused. Its tables and views: ${known.length > 0 ? known.join(', ') : 'none'}.`,
    );
  }
}

/** The database's tables and views, or undefined when it cannot be read now (locked, say). */
function readTableNames(owner: string, file: string): string[] | undefined {
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  let db: InstanceType<typeof DatabaseSync> | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    const rows = db
      .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')")
      .all() as { name: string }[];
    return rows.map((row) => row.name);
  } catch (error) {
    if (/not a database/i.test(String((error as Error)?.message))) {
      throw new DefinitionError(
        'definition.invalid_option',
        `${owner}: path is a file that is not an SQLite database. Give the path of an SQLite file.`,
      );
    }
    return undefined;
  } finally {
    db?.close();
  }
}
