import { checkOptionNames, optionNamesOf } from '@agentchart/core/internal';
import { type ListDirectoryTool, listDirectoryTool } from './list-directory-tool';
import { type ReadFileTool, readFileTool } from './read-file-tool';
import type { FileSystemToolsOptions } from './types';
import { type WriteFileTool, writeFileTool } from './write-file-tool';

/** The tools {@link fileSystemTools} returns: read-only unless writing was granted. */
export type FileSystemTools =
  | [ReadFileTool, ListDirectoryTool]
  | [ReadFileTool, ListDirectoryTool, WriteFileTool];

/** Every option of {@link fileSystemTools}, checked against its type by the compiler. */
const fileSystemToolsOptionNames = optionNamesOf<FileSystemToolsOptions>({
  root: true,
  maxBytes: true,
  maxEntries: true,
  allowHardLinks: true,
  replaceReadOnlyFiles: true,
  allowWrite: true,
});

/**
 * `read_file`, `list_directory` and, only with `allowWrite: true`, `write_file`, all confined
 * to one sandbox root. Paths with `..`, absolute or drive paths, backslashes, NUL or control
 * characters are refused. A path is walked from the root one name at a time through open
 * directories, every symlink on it must lead inside the root, and what a call finally opens
 * is checked to be inside the root by its descriptor, so swapping a directory for a symlink
 * mid-call cannot lead a call out. Only regular files are read or written (a FIFO or a device
 * is refused, never read); hard-linked files are refused unless `allowHardLinks`, read-only
 * files are not replaced unless `replaceReadOnlyFiles`; reads and writes are capped at
 * `maxBytes`. Refusals fail the call with a message saying what was refused and why. Needs
 * Linux's `/proc/self/fd`: elsewhere every call is refused with `unsupported_platform`.
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
export function fileSystemTools(options: FileSystemToolsOptions): FileSystemTools {
  checkOptionNames('fileSystemTools', options, fileSystemToolsOptionNames);
  const { allowWrite = false, ...sandbox } = options;
  const readOnly: [ReadFileTool, ListDirectoryTool] = [
    readFileTool(sandbox),
    listDirectoryTool(sandbox),
  ];
  return allowWrite ? [...readOnly, writeFileTool(sandbox)] : readOnly;
}
