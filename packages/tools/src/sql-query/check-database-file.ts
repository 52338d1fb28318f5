import { statSync } from 'node:fs';
import { DefinitionError } from '@agentchart/core';
import { closestName } from '@agentchart/core/internal';

/**
 * Refuses, at definition time, a path that is not an SQLite file, and a `tables` list naming a
 * table the database does not have, or a view (allowed by the tables it reads): the authorizer would refuse every query on the misspelt name, and the model, which
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
  const schema = readSchemaNames(owner, file);
  if (schema === undefined || tables === undefined) return;
  const known = [...schema.tables, ...schemaTableNames];
  for (const table of tables) {
    if (known.includes(table)) continue;
    if (schema.views.includes(table)) {
      // The authorizer sees the tables a view reads, not the view: listed alone, every query
      // of it was refused as reading a table that is not allowed.
      throw new DefinitionError(
        'definition.invalid_option',
        `${owner}: tables names "${table}", a view. The tool allows reads by the tables a query reads, and a view's query reads its own tables: list those instead (or as well).`,
      );
    }
    const closest = closestName(table, known);
    throw new DefinitionError(
      'definition.invalid_option',
      `${owner}: tables names "${table}", which the database has no table of${closest ? `; did you mean "${closest}"?` : '.'} Every query reading it would be refused. Its tables: ${schema.tables.length > 0 ? schema.tables.join(', ') : 'none'}.`,
    );
  }
}

/** The schema table's names: not in the schema, but `tables` may name it to make it readable. */
const schemaTableNames = ['sqlite_schema', 'sqlite_master'];

/** The database's tables and views, or undefined when it cannot be read now (locked, say). */
function readSchemaNames(
  owner: string,
  file: string,
): { tables: string[]; views: string[] } | undefined {
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  let db: InstanceType<typeof DatabaseSync> | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    const rows = db
      .prepare("SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view')")
      .all() as { name: string; type: string }[];
    return {
      tables: rows.filter((row) => row.type === 'table').map((row) => row.name),
      views: rows.filter((row) => row.type === 'view').map((row) => row.name),
    };
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
