import type { Dirent } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defineTool, type Tool } from '@agentchart/core';
import { z } from 'zod';
import { pathInput } from './path-input';
import { ioError, resolveInSandbox, verifyOpened } from './resolve-in-sandbox';
import { SandboxError } from './sandbox-error';
import { sandboxOptions } from './sandbox-options';
import { splitSandboxPath } from './sandbox-path';
import type { DirectoryEntry, SandboxOptions } from './types';

const listDirectoryInput = z.strictObject({ path: pathInput });
const listDirectoryOutput = z.object({
  path: z.string(),
  entries: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['file', 'directory', 'symlink', 'other']),
      size: z.number().int().nonnegative().optional(),
    }),
  ),
  /** True when the directory has more than `maxEntries` entries and the rest were left out. */
  truncated: z.boolean(),
});

/** The `list_directory` tool's type. */
export type ListDirectoryTool = Tool<typeof listDirectoryInput, typeof listDirectoryOutput>;

/**
 * A `list_directory` tool confined to a sandbox root: names, types and file sizes of a
 * directory's entries, sorted by name, at most `maxEntries` of them. Symlinks are listed as
 * such, not followed. Read-only, so `pure`.
 *
 * @example
 * ```ts
 * const list = listDirectoryTool({ root: './workspace' });
 * ```
 */
export function listDirectoryTool(options: SandboxOptions): ListDirectoryTool {
  const { root, maxEntries } = sandboxOptions('listDirectoryTool', options);
  return defineTool({
    name: 'list_directory',
    description: `Lists the entries of a directory in the sandbox (name, type, size of files; at most ${maxEntries}). Use "." for the sandbox root.`,
    input: listDirectoryInput,
    output: listDirectoryOutput,
    effect: 'pure',
    timeoutMs: 10_000,
    execute: async ({ path }, { signal }) => {
      const location = await resolveInSandbox(root, splitSandboxPath(path));
      const { shown, realPath } = location;
      signal.throwIfAborted();
      try {
        const before = await stat(realPath);
        if (!before.isDirectory()) {
          throw new SandboxError(
            'not_a_directory',
            shown,
            `"${shown}" is not a directory; use read_file to read a file.`,
          );
        }
        const dirents = await readdir(realPath, { withFileTypes: true });
        await verifyOpened(location, before);
        dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const kept = dirents.slice(0, maxEntries);
        const entries = await Promise.all(kept.map((dirent) => describeEntry(realPath, dirent)));
        return { path: shown, entries, truncated: dirents.length > kept.length };
      } catch (error) {
        throw ioError(error, shown);
      }
    },
  });
}

async function describeEntry(directory: string, dirent: Dirent): Promise<DirectoryEntry> {
  const { name } = dirent;
  if (dirent.isSymbolicLink()) return { name, type: 'symlink' };
  if (dirent.isDirectory()) return { name, type: 'directory' };
  if (!dirent.isFile()) return { name, type: 'other' };
  // lstat, not stat: an entry swapped for a symlink meanwhile is not followed.
  const stats = await lstat(join(directory, name)).catch(() => undefined);
  return stats?.isFile() ? { name, type: 'file', size: stats.size } : { name, type: 'other' };
}
