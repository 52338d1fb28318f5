import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The demo's batch as its state file keeps it. */
export interface DemoBatch {
  batchId: string;
  /** The process running it: a batch whose process is gone was killed mid-way. */
  pid: number;
  finished: boolean;
}

/** What the demo does on start. */
export type DemoStart =
  | { kind: 'new'; batch: DemoBatch }
  | { kind: 'continue'; batch: DemoBatch; killedPid: number }
  | { kind: 'busy'; pid: number };

/**
 * Decides whether the demo starts a new batch or continues one a killed demo left: the
 * state file names the last batch and the process that ran it. An unfinished batch whose
 * process is gone is continued (its threads resume, finished ones are read back); one whose
 * process still runs is left alone.
 */
export function startDemoBatch(
  file: string,
  { pid = process.pid, now = new Date() }: { pid?: number; now?: Date } = {},
): DemoStart {
  const previous = readBatch(file);
  if (previous && !previous.finished) {
    if (previous.pid !== pid && isAlive(previous.pid)) return { kind: 'busy', pid: previous.pid };
    const batch = { ...previous, pid };
    writeBatch(file, batch);
    return { kind: 'continue', batch, killedPid: previous.pid };
  }
  const batch = {
    batchId: `demo-${now.toISOString().replace(/[:.]/g, '-')}`,
    pid,
    finished: false,
  };
  writeBatch(file, batch);
  return { kind: 'new', batch };
}

/** Marks the batch finished: the next demo starts a new one. */
export function finishDemoBatch(file: string, batch: DemoBatch): void {
  writeBatch(file, { ...batch, finished: true });
}

function readBatch(file: string): DemoBatch | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoBatch>;
    if (typeof value.batchId !== 'string' || typeof value.pid !== 'number') return undefined;
    return { batchId: value.batchId, pid: value.pid, finished: value.finished === true };
  } catch {
    return undefined;
  }
}

/** Written to a temporary file and renamed, so a kill never leaves half a file. */
function writeBatch(file: string, batch: DemoBatch): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(batch)}\n`);
  renameSync(`${file}.tmp`, file);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
