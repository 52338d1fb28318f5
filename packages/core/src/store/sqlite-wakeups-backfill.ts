import type { DatabaseSync } from 'node:sqlite';
import { decodeChain } from './checkpoint-chain';
import { sqliteStatements } from './sqlite-statements';

/** The schema version that added the `wakeups` table. */
export const wakeupsSchemaVersion = 3;

/**
 * Gives each waiting thread of a file written before the `wakeups` table its wake-up row:
 * the earliest of its open human waits' deadlines (from the journal) and its pending delayed
 * events (from its latest checkpoint). Without it a scheduler reading the wake-time index
 * would never wake those threads: their deadlines would pass and nothing would time out.
 * Runs in the upgrade's transaction; a row already there is kept.
 */
export function backfillWakeups(db: DatabaseSync): void {
  const waiting = db
    .prepare("SELECT thread_id, version FROM threads WHERE status = 'waiting'")
    .all() as { thread_id: string; version: number }[];
  if (waiting.length === 0) return;
  const deadline = db.prepare(
    "SELECT min(json_extract(meta, '$.deadline')) AS at FROM effects WHERE thread_id = ? AND kind = 'human' AND status = 'started' AND json_valid(meta)",
  );
  const chain = db.prepare(sqliteStatements.chain);
  const insert = db.prepare('INSERT OR IGNORE INTO wakeups (thread_id, wake_at) VALUES (?, ?)');
  for (const { thread_id: threadId, version } of waiting) {
    let at = (deadline.get(threadId) as { at: number | null } | undefined)?.at ?? undefined;
    const rows = chain.all(threadId, version) as {
      version: number;
      encoding: string;
      state: string;
    }[];
    const { last } = decodeChain(
      rows.map((row) => ({ version: row.version, encoding: row.encoding, text: row.state })),
    );
    for (const { dueAt } of last?.state.delayedEvents ?? []) {
      if (typeof dueAt === 'number' && (at === undefined || dueAt < at)) at = dueAt;
    }
    if (typeof at === 'number') insert.run(threadId, at);
  }
}
