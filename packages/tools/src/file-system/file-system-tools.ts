import { type ListDirectoryTool, listDirectoryTool } from './list-directory-tool';
import { type ReadFileTool, readFileTool } from './read-file-tool';
import type { FileSystemToolsOptions } from './types';
import { type WriteFileTool, writeFileTool } from './write-file-tool';

/** The tools {@link fileSystemTools} returns: read-only unless writing was granted. */
export type FileSystemTools =
  | [ReadFileTool, ListDirectoryTool]
  | [ReadFileTool, ListDirectoryTool, WriteFileTool];

/**
 * `read_file`, `list_directory` and, only with `allowWrite: true`, `write_file`, all confined
 * to one sandbox root. Paths with `..`, absolute or drive paths, backslashes, NUL or control
 * characters are refused; every symlink on a path must resolve inside the root (a symlink
 * swapped in for a parent directory included); reads and writes are capped at `maxBytes`.
 * Refusals fail the call with a message saying what was refused and why.
 *
 * @example
 * ```ts
 * const research = toolLoop({
 *   model: 'fast',
 *   tools: fileSystemTools({ root: './workspace', allowWrite: true, maxBytes: 256 * 1024 }),
 *   prompt: (task: string) => task,
 * });
 * ```
 */
export function fileSystemTools({
  allowWrite = false,
  ...sandbox
}: FileSystemToolsOptions): FileSystemTools {
  const readOnly: [ReadFileTool, ListDirectoryTool] = [
    readFileTool(sandbox),
    listDirectoryTool(sandbox),
  ];
  return allowWrite ? [...readOnly, writeFileTool(sandbox)] : readOnly;
}
