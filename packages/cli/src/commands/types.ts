/** Where a command writes: `process.stdout` and `process.stderr` in the real CLI. */
export interface Writer {
  write(text: string): unknown;
}

/** Loads a module by its absolute path and returns its exports. */
export type ModuleImporter = (path: string) => Promise<Record<string, unknown>>;

/** What a command runs with, injected so tests run commands in-process and silently. */
export interface CommandContext {
  stdout: Writer;
  stderr: Writer;
  /** The directory relative paths on the command line are resolved against. */
  cwd: string;
  importModule: ModuleImporter;
  /** Environment variables (`AGENTCHART_DB`, `AGENTCHART_AGENT`); `process.env` in the real CLI. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Calls `listener` when the user asks the command to stop (SIGINT, SIGTERM); returns the
   * function that stops listening. Absent in tests that never interrupt.
   */
  onInterrupt?: (listener: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
}

/** One `agentchart <name>` command. */
export interface Command {
  name: string;
  /** One line for the command list of `agentchart --help`. */
  summary: string;
  /** The full text of `agentchart <name> --help`. */
  help: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(args: readonly string[], context: CommandContext): Promise<number>;
}
