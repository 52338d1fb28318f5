import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { defineTool, type Tool } from '@agentchart/core';
import { z } from 'zod';
import { descriptorPath } from './descriptor-path';
import { withHandleScope } from './handle-scope';
import { errorCode, ioError } from './io-error';
import { directoryFlags, type OpenDirectory } from './open-sandbox-root';
import { pathInput } from './path-input';
import { changedDuringCall, SandboxError } from './sandbox-error';
import { sandboxOptions } from './sandbox-options';
import { displayPath, splitSandboxPath } from './sandbox-path';
import type { DirectoryEntry, SandboxOptions } from './types';
import { verifyInsideRoot } from './verify-inside-root';
import { walkInSandbox } from './walk-in-sandbox';

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
 * directory's entries, sorted by name, at most `maxEntries` of them. The directory is
 * opened, checked to be inside the root by its descriptor, and listed through that
 * descriptor. Symlinks are listed as such, not followed. Read-only, so `pure`.
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
      const segments = splitSandboxPath(path);
      const shown = displayPath(segments);
      const notDirectory = () =>
        new SandboxError(
          'not_a_directory',
          shown,
          `"${shown}" is not a directory; use read_file to read a file.`,
        );
      return withHandleScope(async (scope) => {
        try {
          const entry = await walkInSandbox(scope, root, segments);
          signal.throwIfAborted();
          let directory: OpenDirectory = entry.directory;
          if (entry.name !== undefined) {
            if (!entry.stats?.isDirectory()) throw notDirectory();
            try {
              const { fd } = await scope.open(
                `${entry.directory.path}/${entry.name}`,
                directoryFlags,
              );
              directory = { fd, path: descriptorPath(fd) };
            } catch (error) {
              if (errorCode(error) === 'ENOTDIR' || errorCode(error) === 'ENOENT') {
                throw changedDuringCall(shown, 'it was replaced');
              }
              throw error;
            }
          }
          await verifyInsideRoot(entry.root, directory.fd, shown);
          // Through the descriptor's path: the very directory just checked, wherever it is.
          const dirents = await readdir(directory.path, { withFileTypes: true });
          dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
          const kept = dirents.slice(0, maxEntries);
          const entries = await Promise.all(
            kept.map((dirent) => describeEntry(directory.path, dirent)),
          );
          // Again after listing: a directory moved out of the root meanwhile is not shown.
          await verifyInsideRoot(entry.root, directory.fd, shown);
          return { path: shown, entries, truncated: dirents.length > kept.length };
        } catch (error) {
          throw signal.aborted ? error : ioError(error, shown);
        }
      });
    },
  });
}

async function describeEntry(directory: string, dirent: Dirent): Promise<DirectoryEntry> {
  const { name } = dirent;
  if (dirent.isSymbolicLink()) return { name, type: 'symlink' };
  if (dirent.isDirectory()) return { name, type: 'directory' };
  if (!dirent.isFile()) return { name, type: 'other' };
  // lstat, not stat: an entry swapped for a symlink meanwhile is not followed.
  const stats = await lstat(`${directory}/${name}`).catch(() => undefined);
  return stats?.isFile() ? { name, type: 'file', size: stats.size } : { name, type: 'other' };
}
