import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The file {@link fillDisk} writes: delete it to free the space again. */
export const fillerName = 'filler';

/** Writes a file in `dir` until its file system has no byte left. */
export function fillDisk(dir: string): void {
  const fd = openSync(join(dir, fillerName), 'a');
  try {
    for (let chunk = 64 * 1024; chunk >= 1; ) {
      try {
        writeSync(fd, Buffer.alloc(chunk));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        chunk = Math.floor(chunk / 2);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Deletes what {@link fillDisk} wrote. */
export function freeDisk(dir: string): void {
  rmSync(join(dir, fillerName), { force: true });
}

/** An error as a plain object a child prints for its parent. */
export function describeError(error: unknown) {
  const { name, code, message } = error as { name?: string; code?: unknown; message?: string };
  return { name, code, message };
}
