import { randomUUID } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { defineTool, type Tool } from '@agentchart/core';
import { z } from 'zod';
import { pathInput } from './path-input';
import {
  ioError,
  resolveInSandbox,
  type SandboxLocation,
  verifyOpened,
} from './resolve-in-sandbox';
import { SandboxError } from './sandbox-error';
import { sandboxOptions } from './sandbox-options';
import { displayPath, splitSandboxPath } from './sandbox-path';
import type { SandboxOptions } from './types';

const writeFileInput = z.strictObject({
  path: pathInput,
  content: z.string().describe('The whole new content of the file, as UTF-8 text.'),
});
const writeFileOutput = z.object({ path: z.string(), bytes: z.number().int().nonnegative() });

/** The `write_file` tool's type. */
export type WriteFileTool = Tool<typeof writeFileInput, typeof writeFileOutput>;

const createFlags =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/**
 * A `write_file` tool confined to a sandbox root: it creates or replaces one UTF-8 text file
 * of at most `maxBytes`, creating missing parent directories. The content goes to a
 * temporary file beside the target, which is checked to be inside the root and then renamed
 * over the target, so a reader never sees half a file and a directory swapped for a symlink
 * mid-call makes the call fail rather than write outside. Writing the same content twice
 * leaves the same state (the second write changes nothing), so `idempotent`.
 *
 * @example
 * ```ts
 * const write = writeFileTool({ root: './workspace', maxBytes: 256 * 1024 });
 * ```
 */
export function writeFileTool(options: SandboxOptions): WriteFileTool {
  const { root, maxBytes } = sandboxOptions('writeFileTool', options);
  return defineTool({
    name: 'write_file',
    description: `Creates or replaces a UTF-8 text file in the sandbox with the given content (at most ${maxBytes} bytes), creating missing directories. Paths are relative to the sandbox root.`,
    input: writeFileInput,
    output: writeFileOutput,
    effect: 'idempotent',
    timeoutMs: 10_000,
    execute: async ({ path, content }, { signal }) => {
      const segments = splitSandboxPath(path);
      const data = Buffer.from(content, 'utf8');
      const shown = displayPath(segments);
      if (segments.length === 0) {
        throw new SandboxError(
          'not_a_file',
          shown,
          'The sandbox root is a directory; give a file path to write.',
        );
      }
      if (data.length > maxBytes) {
        throw new SandboxError(
          'too_large',
          shown,
          `The content for "${shown}" is ${data.length} bytes, over the write limit of ${maxBytes} bytes; nothing was written.`,
        );
      }
      const location = await resolveInSandbox(root, segments, {
        allowMissingLeaf: true,
        createDirectories: true,
      });
      signal.throwIfAborted();
      try {
        const existing = location.exists ? await lstat(location.realPath) : undefined;
        if (existing && !existing.isFile()) {
          throw new SandboxError(
            'not_a_file',
            shown,
            `"${shown}" exists and is not a regular file (${existing.isDirectory() ? 'a directory' : 'a device, socket or pipe'}); it was not replaced.`,
          );
        }
        if (existing && (await hasContent(location.realPath, existing, data))) {
          return { path: shown, bytes: data.length };
        }
        await replaceFile(location, data, existing?.mode ?? 0o666);
        return { path: shown, bytes: data.length };
      } catch (error) {
        throw ioError(error, shown);
      }
    },
  });
}

async function hasContent(path: string, stats: Stats, data: Buffer): Promise<boolean> {
  return stats.size === data.length && data.equals(await readFile(path, { flag: 'r' }));
}

/** Writes a temporary file beside the target, checks where it landed, renames it over the target. */
async function replaceFile(location: SandboxLocation, data: Buffer, mode: number) {
  const target = location.realPath;
  const temporary = join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, createFlags, mode & 0o777);
    await verifyOpened({ ...location, realPath: temporary }, await handle.stat());
    await handle.writeFile(data);
    await handle.datasync();
    await handle.close();
    handle = undefined;
    // rename() resolves both paths again: if a directory on the way was swapped since the
    // check, the temporary file is not where the path now leads and the rename fails.
    await rename(temporary, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
