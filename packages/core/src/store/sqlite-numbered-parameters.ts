/** The parts of `node:sqlite` the check below uses. */
interface SqliteModule {
  DatabaseSync: new (
    path: string,
  ) => {
    prepare(sql: string): { get(...values: number[]): unknown };
    close(): void;
  };
}

const answers = new WeakMap<SqliteModule, boolean>();

/**
 * Whether this Node's `node:sqlite` binds `?NNN` parameters by position, which every
 * statement of the SQLite checkpointer relies on (`?1` used twice, for one value). Node 22.13
 * to 22.19 and 24.0 to 24.6 bound them by name, so each statement failed with SQLite's
 * "column index out of range" and every run on the embedded store ended `failed`
 * (nodejs/node#59340, fixed in 22.20 and 24.7). Asked once per process, of an in-memory
 * database and remembered.
 */
export function bindsNumberedParameters(sqlite: SqliteModule): boolean {
  const known = answers.get(sqlite);
  if (known !== undefined) return known;
  const db = new sqlite.DatabaseSync(':memory:');
  let binds: boolean;
  try {
    binds = (db.prepare('SELECT ?2 AS second').get(1, 2) as { second?: number })?.second === 2;
  } catch {
    binds = false;
  } finally {
    db.close();
  }
  answers.set(sqlite, binds);
  return binds;
}
