import { AgentchartError } from '@agentchart/core';

/** Why a command could not do its work. */
export type CliErrorCode =
  | 'cli.usage'
  | 'cli.file_not_found'
  | 'cli.no_machine'
  | 'cli.load_failed'
  | 'cli.not_available';

const exitCodes: Record<CliErrorCode, number> = {
  'cli.usage': 2,
  'cli.file_not_found': 2,
  'cli.no_machine': 2,
  'cli.not_available': 2,
  'cli.load_failed': 1,
};

/**
 * An error the user can fix: printed as its message alone, without a stack trace, and
 * ending the command with its exit code (2 for usage mistakes, 1 for failures).
 */
export class CliError extends AgentchartError<CliErrorCode> {
  /** The process exit code this error ends the command with. */
  readonly exitCode: number;

  constructor(code: CliErrorCode, message: string, cause?: unknown) {
    super(code, { message, cause });
    this.exitCode = exitCodes[code];
  }
}
