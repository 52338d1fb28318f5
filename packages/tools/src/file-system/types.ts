/** Where the file-system tools may act, and how much. */
export interface SandboxOptions {
  /**
   * The directory the tools are confined to. A relative path is resolved against the
   * working directory when the tools are made; the directory must exist when they run.
   * The file system's own root (`/`) and a path to a file are refused when the tools are made.
   */
  root: string;
  /**
   * Largest file read or written, in bytes. Default 256 KiB. A chart's `toolCall` keeps the
   * whole result in a journal row: above about half the agent's `maxJournalValueBytes`, a file
   * written as JSON may not fit, and the call fails with `tool.output_too_large`.
   */
  maxBytes?: number | undefined;
  /** Most entries `list_directory` returns. Default 1,000. */
  maxEntries?: number | undefined;
  /**
   * Let the tools read and replace files that have more than one name (hard links).
   * Default false: such a file is refused, since another of its names may be outside the
   * root and no check on the path can tell.
   */
  allowHardLinks?: boolean | undefined;
  /**
   * Let `write_file` replace a file whose mode makes it read-only for this process (for a
   * process running as root: a file with no write bit at all). Default false: the file is
   * left as it is and the call is refused.
   */
  replaceReadOnlyFiles?: boolean | undefined;
}

/** Options of {@link fileSystemTools}. */
export interface FileSystemToolsOptions extends SandboxOptions {
  /** Offer `write_file` too. Default false: the tools are read-only. */
  allowWrite?: boolean | undefined;
}

/** One entry of a directory listing. */
export interface DirectoryEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** Size in bytes, for files. */
  size?: number;
}
