/** The rows from the last full state at or before `version` up to `version`. */
const chainSql = `SELECT version, machine_version, status, created_at, owner, encoding, state
  FROM checkpoints WHERE thread_id = ?1 AND version <= ?2 AND version >= coalesce(
    (SELECT max(version) FROM checkpoints WHERE thread_id = ?1 AND version <= ?2 AND encoding = 'full'), 0)
  ORDER BY version`;

/** A save by owner `?3` (none: unfenced) of thread `?1` is not fenced off by its lease. */
const leaseAllows =
  '(?3 IS NULL OR NOT EXISTS (SELECT 1 FROM leases WHERE thread_id = ?1 AND owner <> ?3))';

/**
 * The part of `t.thread_id` before its last `/` (empty without one): its parent's id when it
 * is a child agent's thread, `<parent>/<effect key>`, which {@link childOfParent} checks.
 */
const parentCandidate =
  "substr(t.thread_id, 1, length(rtrim(t.thread_id, replace(t.thread_id, '/', ''))) - 1)";
/** The rest of `t.thread_id` after `parent.thread_id` is `/` and an effect key (`…#<n>`). */
const childKey = 'substr(t.thread_id, length(parent.thread_id) + 2)';
const childOfParent = `substr(t.thread_id, length(parent.thread_id) + 1, 1) = '/'
      AND ${childKey} GLOB '*[0-9]' AND rtrim(${childKey}, '0123456789') GLOB '?*#'`;

/** Every statement `SqliteCheckpointer` runs, prepared on first use and then kept. */
export const sqliteStatements = {
  // Prepared once, not parsed again by exec() on every save.
  begin: 'BEGIN IMMEDIATE',
  commit: 'COMMIT',
  // One write of a group commit (see SqliteWriteBatch): undone alone when it fails.
  savepoint: 'SAVEPOINT agentchart_write',
  releaseSavepoint: 'RELEASE agentchart_write',
  rollbackToSavepoint: 'ROLLBACK TO agentchart_write',
  // Lease writes commit without an fsync (see SqliteCheckpointer's lease methods).
  relaxSync: 'PRAGMA synchronous = NORMAL',
  fullSync: 'PRAGMA synchronous = FULL',
  head: 'SELECT version FROM threads WHERE thread_id = ?',
  chain: chainSql,
  insertCheckpoint: `INSERT INTO checkpoints (thread_id, version, machine_version, status, created_at, owner, encoding, state)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  // The compare-and-set on the thread's version: each changes one row, or none when the
  // head is not `version - 1` (another writer got there first) or, fenced in the statement
  // itself, when the thread's lease names another owner than the save's (so a save reads
  // the lease only after a refusal, to say which it was).
  createHead: `INSERT INTO threads (thread_id, version, owner, status, updated_at)
    SELECT ?1, ?2, ?3, ?4, ?5 WHERE ${leaseAllows}
    ON CONFLICT (thread_id) DO NOTHING`,
  advanceHead: `UPDATE threads SET version = ?2, owner = ?3, status = ?4, updated_at = ?5
    WHERE thread_id = ?1 AND version = ?2 - 1 AND ${leaseAllows}`,
  list: `SELECT version, machine_version, status, created_at, length(state) AS bytes
    FROM checkpoints WHERE thread_id = ? ORDER BY version`,
  getEffect: 'SELECT * FROM effects WHERE thread_id = ? AND key = ?',
  // Fenced in the statement itself: a leased thread takes writes from its lease's holder
  // only; a thread never leased from the owner of its latest checkpoint (or any, if none).
  // Without a checkpoint (?15 false), a thread with neither lease nor head takes none: it
  // was erased or pruned since its run took it (ADR 0084).
  putEffect: `INSERT INTO effects (thread_id, key, site, kind, effect, name, status, started_at, finished_at, input, output, error, meta)
    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13
    WHERE ?14 IS NULL OR CASE
      WHEN EXISTS (SELECT 1 FROM leases WHERE thread_id = ?1)
        THEN EXISTS (SELECT 1 FROM leases WHERE thread_id = ?1 AND owner = ?14)
      ELSE (?15 OR EXISTS (SELECT 1 FROM threads WHERE thread_id = ?1))
        AND NOT EXISTS (SELECT 1 FROM threads WHERE thread_id = ?1 AND owner IS NOT NULL AND owner <> ?14)
    END
    ON CONFLICT (thread_id, key) DO UPDATE SET status = excluded.status,
      finished_at = excluded.finished_at, output = excluded.output, error = excluded.error,
      meta = excluded.meta`,
  listEffects: 'SELECT * FROM effects WHERE thread_id = ? ORDER BY seq',
  threads: 'SELECT thread_id, version, status, updated_at FROM threads ORDER BY updated_at',
  // The index by status leaves running threads out: its condition, repeated here, lets
  // SQLite use it for every other status; the running ones are read from the table.
  threadsByStatus: `SELECT thread_id, version, status, updated_at FROM threads
    WHERE status = ? AND status <> 'running' ORDER BY updated_at`,
  runningThreads: `SELECT thread_id, version, status, updated_at FROM threads
    WHERE status = 'running' ORDER BY updated_at`,
  lease: 'SELECT owner, expires_at FROM leases WHERE thread_id = ?',
  // One statement, so atomic across processes: taken when free, expired, already this
  // owner's, forced, or held by the owner ?6 names (NULL names none); otherwise it changes
  // nothing and returns no row.
  acquireLease: `INSERT INTO leases (thread_id, owner, expires_at) VALUES (?1, ?2, ?3)
    ON CONFLICT (thread_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
    WHERE leases.owner = excluded.owner OR leases.expires_at <= ?4 OR ?5 OR leases.owner = ?6
    RETURNING owner, expires_at`,
  // A released lease (expires_at 0) is not the owner's any more: renewing it fails.
  renewLease:
    'UPDATE leases SET expires_at = ?3 WHERE thread_id = ?1 AND owner = ?2 AND expires_at > 0',
  // Many leases in one statement (one commit): ?1 is a JSON array of [thread, owner] pairs,
  // each looked up by the table's key.
  renewLeases: `UPDATE leases SET expires_at = ?2
    FROM (SELECT value ->> 0 AS thread_id, value ->> 1 AS owner FROM json_each(?1)) AS renewing
    WHERE leases.thread_id = renewing.thread_id AND leases.owner = renewing.owner
      AND leases.expires_at > 0
    RETURNING leases.thread_id`,
  releaseLease: 'UPDATE leases SET expires_at = 0 WHERE thread_id = ?1 AND owner = ?2',
  setWakeup: `INSERT INTO wakeups (thread_id, wake_at) VALUES (?1, ?2)
    ON CONFLICT (thread_id) DO UPDATE SET wake_at = excluded.wake_at`,
  clearWakeup: 'DELETE FROM wakeups WHERE thread_id = ?',
  // Walks the wake-time index from the oldest; the join keeps only threads still waiting.
  due: `SELECT w.thread_id, w.wake_at FROM wakeups w JOIN threads t ON t.thread_id = w.thread_id
    WHERE w.wake_at <= ?1 AND t.status = 'waiting' ORDER BY w.wake_at LIMIT ?2`,
  // Only ended statuses are pruned; saying so lets SQLite read the index by status. A child
  // agent's thread stays while its parent is live, which may not have journaled the child's
  // outcome yet: one lookup of the parent by its key for each thread read, the child's key
  // checked only when a live parent is found. ?4 is where the previous batch ended.
  prunable: `SELECT thread_id, updated_at FROM threads AS t
    WHERE status IN (SELECT value FROM json_each(?1)) AND status <> 'running'
    AND updated_at >= ?4 AND updated_at < ?2
    AND NOT EXISTS (SELECT 1 FROM threads AS parent WHERE parent.thread_id = ${parentCandidate}
      AND parent.status IN ('running', 'waiting') AND ${childOfParent})
    ORDER BY updated_at LIMIT ?3`,
  pruneCheckpoints: 'DELETE FROM checkpoints WHERE thread_id IN (SELECT value FROM json_each(?1))',
  pruneEffects: 'DELETE FROM effects WHERE thread_id IN (SELECT value FROM json_each(?1))',
  pruneLeases: 'DELETE FROM leases WHERE thread_id IN (SELECT value FROM json_each(?1))',
  pruneWakeups: 'DELETE FROM wakeups WHERE thread_id IN (SELECT value FROM json_each(?1))',
  pruneThreads: 'DELETE FROM threads WHERE thread_id IN (SELECT value FROM json_each(?1))',
  // Erasure. A child agent's thread is `<parent>/<effect key>`: the ids that begin with
  // `<parent>/` are those between `<parent>/` and `<parent>0` ('0' follows '/'), a range of
  // each table's key, read from its index. Journal rows are read too: a thread may have them
  // and no checkpoint.
  threadsUnder: `SELECT t.thread_id FROM json_each(?1) AS a
      JOIN threads AS t ON t.thread_id > a.value || '/' AND t.thread_id < a.value || '0'
    UNION SELECT e.thread_id FROM json_each(?1) AS a
      JOIN effects AS e ON e.thread_id > a.value || '/' AND e.thread_id < a.value || '0'`,
  liveLeases: `SELECT thread_id, owner, expires_at FROM leases
    WHERE thread_id IN (SELECT value FROM json_each(?1)) AND expires_at > ?2`,
  countErasable: `SELECT
      (SELECT count(*) FROM threads WHERE thread_id IN (SELECT value FROM json_each(?1))) AS threads,
      (SELECT count(*) FROM checkpoints WHERE thread_id IN (SELECT value FROM json_each(?1))) AS checkpoints,
      (SELECT count(*) FROM effects WHERE thread_id IN (SELECT value FROM json_each(?1))) AS effects`,
  // Its journal rows take their log rows with them (a trigger); a log row left without one
  // (written by hand, or by a process that died between) goes too. Each log row that goes
  // takes its thread's agent index row once the thread has none left (a trigger).
  eraseEffectLog: 'DELETE FROM effect_log WHERE thread_id IN (SELECT value FROM json_each(?1))',
  // A page of the threads, by id, for a scan that reads every thread in bounded batches.
  threadsAfter: 'SELECT thread_id FROM threads WHERE thread_id > ?1 ORDER BY thread_id LIMIT ?2',
  // Those of `?1` whose newest full state names tenant `?2`: a thread's tenant is set when it
  // starts and kept, so its newest full state (every thread has one) says it without the
  // deltas after it being applied. A row that is not JSON (damaged) names no tenant.
  tenantOfThreads: `SELECT a.value AS thread_id FROM json_each(?1) AS a
    WHERE (SELECT CASE WHEN json_valid(c.state) THEN c.state ->> '$.run.tenantId' END
      FROM checkpoints AS c WHERE c.thread_id = a.value AND c.encoding = 'full'
      ORDER BY c.version DESC LIMIT 1) = ?2`,
  // From the index of rows by tenant, which holds only rows that have one.
  threadsChargedTo: 'SELECT DISTINCT thread_id FROM effect_log WHERE tenant_id = ?1',
} as const;

/** The name of one of {@link sqliteStatements}. */
export type SqliteStatementName = keyof typeof sqliteStatements;
