import type { JournalEntry } from '../ledger/types';
import type { StoredStateRow } from './checkpoint-chain';
import { CheckpointError } from './checkpoint-error';
import type { Checkpoint } from './types';

/** A `checkpoints` row as `node:sqlite` returns it. */
export interface CheckpointRow {
  version: number;
  machine_version: string;
  status: string;
  created_at: number;
  owner: string | null;
  encoding: string;
  state: string;
}

/** An `effects` row as `node:sqlite` returns it. */
export interface EffectRow {
  thread_id: string;
  key: string;
  site: string;
  kind: string;
  effect: string;
  name: string;
  status: string;
  started_at: number;
  finished_at: number | null;
  input: string | null;
  output: string | null;
  error: string | null;
  meta: string | null;
}

/** The part of a checkpoint row the chain decoder reads. */
export function toStateRow(row: CheckpointRow): StoredStateRow {
  return { version: row.version, encoding: row.encoding, text: row.state };
}

/** A checkpoint from its row and its rebuilt state. */
export function toCheckpoint(
  threadId: string,
  row: CheckpointRow,
  state: {
    snapshot: unknown;
    run: Checkpoint['run'];
    delayedEvents: Checkpoint['delayedEvents'];
    wakeAt?: number;
  },
): Checkpoint {
  return {
    threadId,
    version: row.version,
    machineVersion: row.machine_version,
    snapshot: state.snapshot,
    run: state.run,
    delayedEvents: state.delayedEvents ?? [],
    ...(state.wakeAt === undefined ? {} : { wakeAt: state.wakeAt }),
    createdAt: row.created_at,
    ...(row.owner === null ? {} : { owner: row.owner }),
  };
}

/** A journal entry from its row; a JSON column that does not parse is `checkpoint.corrupt`. */
export function toEntry(row: EffectRow, path: string): JournalEntry {
  const parse = (column: 'input' | 'output' | 'error' | 'meta'): unknown => {
    const text = row[column];
    if (text === null) return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new CheckpointError(
        'checkpoint.corrupt',
        row.thread_id,
        `Journal entry "${row.key}" of thread "${row.thread_id}" in ${path} has an unreadable ${column} (${(error as Error).message}). The effect cannot be replayed from it: repair or delete that row (table effects) to let it run again.`,
        error,
      );
    }
  };
  const input = parse('input');
  const output = parse('output');
  const error = parse('error');
  const meta = parse('meta');
  return {
    threadId: row.thread_id,
    key: row.key,
    site: row.site,
    kind: row.kind as JournalEntry['kind'],
    effect: row.effect as JournalEntry['effect'],
    name: row.name,
    status: row.status as JournalEntry['status'],
    startedAt: row.started_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    ...(input === undefined ? {} : { input }),
    ...(output === undefined ? {} : { output }),
    ...(error === undefined ? {} : { error: error as JournalEntry['error'] }),
    ...(meta === undefined ? {} : { meta: meta as JournalEntry['meta'] }),
  };
}
