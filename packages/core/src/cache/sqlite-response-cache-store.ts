import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { type Clock, systemClock } from '../clock/clock';
import { DefinitionError } from '../errors/definition-error';
import { checkOptionNames, describeValue } from '../errors/option-names';
import { guardDatabase } from '../store/sqlite-database';
import { notAFile } from '../store/sqlite-errors';
import { rollbackQuietly } from '../store/sqlite-schema';
import { StorageError } from '../store/storage-error';
import type { CacheEntry, ResponseCacheStore } from './types';

/** Options of {@link SqliteResponseCacheStore}. */
export interface SqliteResponseCacheStoreOptions {
  /** The SQLite file: the run database (`.agentchart/runs.db`) works, in its own table. */
  path?: string | undefined;
  /** Entries kept; the oldest stored go first. Default 10 000. */
  maxEntries?: number | undefined;
  clock?: Clock | undefined;
}

/**
 * `tenant_id` is the partition (tenant) an entry was stored under, which its key hashes too:
 * without it a tenant's entries could not be found to erase them. A table made before it had
 * the column is given it (see {@link addTenantColumn}); its older rows, and rows an older
 * agentchart writes, have none.
 */
const schema = `CREATE TABLE IF NOT EXISTS response_cache (
  key TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  stored_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  response TEXT NOT NULL,
  tenant_id TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS response_cache_stored ON response_cache (stored_at);
CREATE INDEX IF NOT EXISTS response_cache_expires ON response_cache (expires_at);`;

/** Only entries that have a tenant: a cache without tenants writes no entry of it. */
const tenantIndex =
  'CREATE INDEX IF NOT EXISTS response_cache_tenant ON response_cache (tenant_id) WHERE tenant_id IS NOT NULL';

/**
 * Adds `tenant_id` to a `response_cache` table made before it existed: one additive change
 * (old rows get NULL), made in a write transaction that looks again first, since another
 * process opening the same file may have made it meanwhile.
 */
function addTenantColumn(db: DatabaseSync): void {
  const hasColumn = () =>
    (db.prepare('PRAGMA table_info(response_cache)').all() as { name: string }[]).some(
      (column) => column.name === 'tenant_id',
    );
  if (!hasColumn()) {
    db.exec('BEGIN IMMEDIATE');
    try {
      if (!hasColumn()) db.exec('ALTER TABLE response_cache ADD COLUMN tenant_id TEXT');
      db.exec('COMMIT');
    } catch (error) {
      rollbackQuietly(db);
      throw error;
    }
  }
  db.exec(tenantIndex);
}

/**
 * A {@link ResponseCacheStore} in an SQLite file, shared by every process on it and kept
 * across restarts: the "run database" cache. Expired entries are never returned, and each
 * write removes those that have expired: an answer (a prompt, what a model said of a person)
 * is kept no longer than its time to live, not until `maxEntries` pushes it out. Past
 * `maxEntries` the oldest are removed. A cache is an optimisation, so writes use
 * `synchronous = NORMAL` (they survive a crash of the process, not a power loss).
 */
export class SqliteResponseCacheStore implements ResponseCacheStore {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #statements: Record<
    'get' | 'set' | 'delete' | 'deleteTenant' | 'trim' | 'expire',
    StatementSync
  >;

  constructor(options: SqliteResponseCacheStoreOptions = {}) {
    // A misspelt option was ignored; an empty path opened SQLite's private temporary
    // database, so nothing was kept.
    checkOptionNames('SqliteResponseCacheStore', options, ['path', 'maxEntries', 'clock']);
    const { path = '.agentchart/runs.db', maxEntries = 10_000, clock = systemClock } = options;
    if (typeof path !== 'string' || path.trim() === '') {
      throw new DefinitionError(
        'definition.invalid_option',
        `SqliteResponseCacheStore: path is ${describeValue(path)}. Give the database file, such as '.agentchart/runs.db' (':memory:' for a cache gone with the process).`,
      );
    }
    if (typeof (clock as Partial<Clock> | null)?.now !== 'function') {
      throw new DefinitionError(
        'definition.invalid_option',
        `SqliteResponseCacheStore: clock is ${describeValue(clock)}. Give a clock with now(), or leave it out.`,
      );
    }
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new DefinitionError(
        'definition.invalid_option',
        `SqliteResponseCacheStore: maxEntries must be a positive integer, got ${maxEntries}.`,
      );
    }
    const sqlite = process.getBuiltinModule('node:sqlite');
    if (!sqlite) {
      throw new DefinitionError(
        'definition.invalid_option',
        `This Node.js (${process.version}) has no node:sqlite module; SqliteResponseCacheStore needs Node.js 22.13 or newer. Use the in-memory store, or upgrade Node.`,
      );
    }
    // A directory, a read-only file or a full disk failed with SQLite's bare "unable to open
    // database file"; the checkpointer's typed storage errors say what to do.
    const context = { path, doing: 'opening the response cache' };
    if (path !== ':memory:') {
      const notFile = notAFile(path);
      if (notFile) throw new StorageError('storage.not_a_file', path, notFile);
      guardDatabase(context, () => mkdirSync(dirname(path), { recursive: true }));
    }
    this.#db = guardDatabase(context, () => {
      const db = new sqlite.DatabaseSync(path, { timeout: 5_000 });
      db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; ${schema}`);
      addTenantColumn(db);
      return db;
    });
    this.#clock = clock;
    this.#maxEntries = maxEntries;
    this.#statements = {
      get: this.#db.prepare(
        'SELECT model, stored_at, expires_at, response, tenant_id FROM response_cache WHERE key = ? AND expires_at > ?',
      ),
      set: this.#db.prepare(
        'INSERT OR REPLACE INTO response_cache (key, model, stored_at, expires_at, response, tenant_id) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      delete: this.#db.prepare('DELETE FROM response_cache WHERE key = ?'),
      deleteTenant: this.#db.prepare('DELETE FROM response_cache WHERE tenant_id = ?'),
      expire: this.#db.prepare('DELETE FROM response_cache WHERE expires_at <= ?'),
      trim: this.#db.prepare(
        'DELETE FROM response_cache WHERE key IN (SELECT key FROM response_cache ORDER BY stored_at DESC LIMIT -1 OFFSET ?)',
      ),
    };
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const row = this.#statements.get.get(key, this.#clock.now()) as
      | {
          model: string;
          stored_at: number;
          expires_at: number;
          response: string;
          tenant_id: string | null;
        }
      | undefined;
    if (!row) return undefined;
    return {
      model: row.model,
      storedAt: row.stored_at,
      expiresAt: row.expires_at,
      response: JSON.parse(row.response),
      ...(row.tenant_id === null ? {} : { partition: row.tenant_id }),
    };
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    this.#statements.set.run(
      key,
      entry.model,
      entry.storedAt,
      entry.expiresAt,
      JSON.stringify(entry.response),
      entry.partition ?? null,
    );
    this.#statements.expire.run(this.#clock.now());
    this.#statements.trim.run(this.#maxEntries);
  }

  async delete(key: string): Promise<void> {
    this.#statements.delete.run(key);
  }

  /**
   * Deletes the entries stored under `partition` (a tenant's: the agent stores each under
   * its run's tenant), for an erasure request; resolves with how many went. Entries stored
   * before the file kept tenants (or by an older agentchart) name none and are not found:
   * their time to live bounds them.
   */
  async deletePartition(partition: string): Promise<number> {
    return Number(this.#statements.deleteTenant.run(partition).changes);
  }

  /** Closes the file. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
