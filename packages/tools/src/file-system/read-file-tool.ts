import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { defineTool, type Tool } from '@agentchart/core';
import { z } from 'zod';
import { pathInput } from './path-input';
import { ioError, resolveInSandbox, verifyOpened } from './resolve-in-sandbox';
import { SandboxError } from './sandbox-error';
import { sandboxOptions } from './sandbox-options';
import { splitSandboxPath } from './sandbox-path';
import type { SandboxOptions } from './types';

const readFileInput = z.strictObject({ path: pathInput });
const readFileOutput = z.object({
  path: z.string(),
  content: z.string(),
  bytes: z.number().int().nonnegative(),
});

/** The `read_file` tool's type. */
export type ReadFileTool = Tool<typeof readFileInput, typeof readFileOutput>;

// O_NOFOLLOW: a leaf swapped for a symlink after resolution fails to open. O_NONBLOCK: a
// FIFO planted in the sandbox cannot hang the call (regular files ignore it).
const openFlags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A `read_file` tool confined to a sandbox root: it reads one UTF-8 text file of at most
 * `maxBytes`. Paths are checked for traversal and every symlink on the way is followed and
 * must stay inside the root. Read-only, so `pure`.
 *
 * @example
 * ```ts
 * const read = readFileTool({ root: './workspace', maxBytes: 64 * 1024 });
 * ```
 */
export function readFileTool(options: SandboxOptions): ReadFileTool {
  const { root, maxBytes } = sandboxOptions('readFileTool', options);
  return defineTool({
    name: 'read_file',
    description: `Reads a UTF-8 text file in the sandbox and returns its content (at most ${maxBytes} bytes). Paths are relative to the sandbox root.`,
    input: readFileInput,
    output: readFileOutput,
    effect: 'pure',
    timeoutMs: 10_000,
    execute: async ({ path }, { signal }) => {
      const location = await resolveInSandbox(root, splitSandboxPath(path));
      const { shown } = location;
      signal.throwIfAborted();
      const handle = await open(location.realPath, openFlags).catch((error: unknown) => {
        throw ioError(error, shown);
      });
      try {
        const stats = await handle.stat();
        await verifyOpened(location, stats);
        if (!stats.isFile()) {
          throw new SandboxError(
            'not_a_file',
            shown,
            stats.isDirectory()
              ? `"${shown}" is a directory; use list_directory to see its entries.`
              : `"${shown}" is not a regular file (a device, socket or pipe); only files can be read.`,
          );
        }
        if (stats.size > maxBytes) {
          throw new SandboxError(
            'too_large',
            shown,
            `"${shown}" is ${stats.size} bytes, over the read limit of ${maxBytes} bytes; it was not read.`,
          );
        }
        // One byte of room past the stated size: a file that grew since stat() is caught.
        const buffer = Buffer.alloc(stats.size + 1);
        let length = 0;
        for (;;) {
          const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
          if (bytesRead === 0) break;
          length += bytesRead;
          if (length > stats.size) {
            throw new SandboxError(
              'changed_during_call',
              shown,
              `"${shown}" grew while it was being read; try again when it is no longer being written.`,
            );
          }
        }
        const bytes = buffer.subarray(0, length);
        return { path: shown, content: decodeText(bytes, shown), bytes: length };
      } catch (error) {
        throw ioError(error, shown);
      } finally {
        await handle.close();
      }
    },
  });
}

function decodeText(bytes: Uint8Array, shown: string): string {
  try {
    if (!bytes.includes(0)) return utf8.decode(bytes);
  } catch {
    // not UTF-8: refused below
  }
  throw new SandboxError(
    'not_text',
    shown,
    `"${shown}" is not UTF-8 text (it looks binary); only text files can be read.`,
  );
}
