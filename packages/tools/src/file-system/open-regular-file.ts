import { constants, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { HandleScope } from './handle-scope';
import { errorCode, ioError } from './io-error';
import { refuseHardLink } from './refuse-hard-link';
import { changedDuringCall, SandboxError } from './sandbox-error';
import { verifyInsideRoot } from './verify-inside-root';
import type { SandboxEntry } from './walk-in-sandbox';

// O_NOFOLLOW: a symlink put in the entry's place fails to open. O_NONBLOCK: opening a FIFO
// or a device put there returns at once instead of waiting for a writer (it is then refused
// by its type, never read). O_NOCTTY: a terminal never becomes the process's.
const readFlags =
  constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

/** Options of {@link openRegularFile}. */
export interface OpenRegularFileOptions {
  allowHardLinks: boolean;
  /** The refusal for anything but a regular file. */
  notRegular(isDirectory: boolean): SandboxError;
}

/**
 * Opens an existing entry for reading and checks what was opened, in this order: that it
 * is inside the root (by its descriptor), that it is a regular file, that it has one name
 * (unless hard links are allowed). Nothing is read before these checks pass.
 */
export async function openRegularFile(
  scope: HandleScope,
  entry: SandboxEntry,
  { allowHardLinks, notRegular }: OpenRegularFileOptions,
): Promise<{ handle: FileHandle; stats: Stats }> {
  const { shown } = entry;
  if (entry.name === undefined) throw notRegular(true);
  let handle: FileHandle;
  try {
    handle = await scope.open(`${entry.directory.path}/${entry.name}`, readFlags);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ELOOP') throw changedDuringCall(shown, 'a symlink was put in its place');
    if (code === 'ENOENT') throw changedDuringCall(shown, 'it was removed');
    // ENXIO: a socket, or a device with no driver behind it.
    if (code === 'ENXIO' || code === 'ENODEV') throw notRegular(false);
    throw ioError(error, shown);
  }
  await verifyInsideRoot(entry.root, handle.fd, shown);
  const stats = await handle.stat();
  if (!stats.isFile()) throw notRegular(stats.isDirectory());
  refuseHardLink(stats, shown, allowHardLinks);
  return { handle, stats };
}

/**
 * Reads an opened file whole, expecting `size` bytes: one byte of room past it catches a
 * file that grew since it was checked.
 */
export async function readWholeFile(
  handle: FileHandle,
  size: number,
  shown: string,
): Promise<Buffer> {
  const buffer = Buffer.alloc(size + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (length > size) {
      throw new SandboxError(
        'changed_during_call',
        shown,
        `"${shown}" grew while it was being read; try again when it is no longer being written.`,
      );
    }
  }
  return buffer.subarray(0, length);
}
