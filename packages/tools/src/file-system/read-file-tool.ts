import { defineTool, type Tool } from '@agentchart/core';
import { z } from 'zod';
import { withHandleScope } from './handle-scope';
import { ioError } from './io-error';
import { openRegularFile, readWholeFile } from './open-regular-file';
import { pathInput } from './path-input';
import { SandboxError } from './sandbox-error';
import { sandboxOptions } from './sandbox-options';
import { displayPath, splitSandboxPath } from './sandbox-path';
import type { SandboxOptions } from './types';
import { verifyInsideRoot } from './verify-inside-root';
import { walkInSandbox } from './walk-in-sandbox';

const readFileInput = z.strictObject({ path: pathInput });
const readFileOutput = z.object({
  path: z.string(),
  content: z.string(),
  bytes: z.number().int().nonnegative(),
});

/** The `read_file` tool's type. */
export type ReadFileTool = Tool<typeof readFileInput, typeof readFileOutput>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A `read_file` tool confined to a sandbox root: it reads one UTF-8 text file of at most
 * `maxBytes`. The path is walked from the root one name at a time through open directories,
 * symlinks must stay inside the root, and what was opened is checked to be inside the root,
 * a regular file and (by default) not a hard link before a byte is read. Read-only, so `pure`.
 *
 * @example
 * ```ts
 * const read = readFileTool({ root: './workspace', maxBytes: 64 * 1024 });
 * ```
 */
export function readFileTool(options: SandboxOptions): ReadFileTool {
  const { root, maxBytes, allowHardLinks } = sandboxOptions('readFileTool', options);
  return defineTool({
    name: 'read_file',
    description: `Reads a UTF-8 text file in the sandbox and returns its content (at most ${maxBytes} bytes). Paths are relative to the sandbox root.`,
    input: readFileInput,
    output: readFileOutput,
    effect: 'pure',
    timeoutMs: 10_000,
    execute: async ({ path }, { signal }) => {
      const segments = splitSandboxPath(path);
      const shown = displayPath(segments);
      const notRegular = (isDirectory: boolean) =>
        new SandboxError(
          'not_a_file',
          shown,
          isDirectory
            ? `"${shown}" is a directory; use list_directory to see its entries.`
            : `"${shown}" is not a regular file (a device, socket or pipe); only files can be read.`,
        );
      return withHandleScope(async (scope) => {
        try {
          const entry = await walkInSandbox(scope, root, segments);
          signal.throwIfAborted();
          // Refused before opening when the walk already saw it: nothing is opened for nothing.
          if (entry.name === undefined || entry.stats?.isDirectory()) throw notRegular(true);
          if (!entry.stats?.isFile()) throw notRegular(false);
          const { handle, stats } = await openRegularFile(scope, entry, {
            allowHardLinks,
            notRegular,
          });
          if (stats.size > maxBytes) {
            throw new SandboxError(
              'too_large',
              shown,
              `"${shown}" is ${stats.size} bytes, over the read limit of ${maxBytes} bytes; it was not read.`,
            );
          }
          const bytes = await readWholeFile(handle, stats.size, shown);
          // Again after reading: a file moved out of the root meanwhile is not returned.
          await verifyInsideRoot(entry.root, handle.fd, shown);
          return { path: shown, content: decodeText(bytes, shown), bytes: bytes.length };
        } catch (error) {
          // An abort is the caller's, not the file system's: it goes through as it is.
          throw signal.aborted ? error : ioError(error, shown);
        }
      });
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
