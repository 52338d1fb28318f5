import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tempDir } from '../../stores/temp-dir';
import { ByteMeter, historySteps, message } from './byte-meter';
import { checkConversation, opening } from './chat-script';
import type { HistoryResult } from './history-xstate';

/** The floor: an append-only log, one SQLite row per new message. */
export async function plainHistory(): Promise<HistoryResult> {
  const meter = new ByteMeter();
  const dir = tempDir('history-plain');
  const path = dir.file('log.db');
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(
      'CREATE TABLE messages (thread_id TEXT, step INTEGER, message TEXT, PRIMARY KEY (thread_id, step))',
    );
    const insert = db.prepare('INSERT INTO messages VALUES (?, ?, ?)');
    const append = (step: number, item: { role: string; content: string }) => {
      const json = JSON.stringify(item);
      insert.run('chat', step, json);
      meter.add(Buffer.byteLength(json));
    };
    append(0, opening);
    for (let step = 0; step < historySteps; step++) {
      meter.step();
      append(step + 1, { role: 'assistant', content: await Promise.resolve(message(step)) });
    }
    const rows = db.prepare('SELECT message FROM messages ORDER BY step').all() as {
      message: string;
    }[];
    checkConversation(
      'plain log',
      rows.map((row) => JSON.parse(row.message)),
    );
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { meter, storedBytes: statSync(path).size };
  } finally {
    db.close();
    dir.remove();
  }
}
