import { AgentchartError } from '@agentchart/core';
import { exitCodes } from './exit-codes';

/** Why a command could not do its work. */
export type CliErrorCode =
  | 'cli.usage'
  | 'cli.file_not_found'
  | 'cli.no_machine'
  | 'cli.no_agent'
  | 'cli.thread_not_found'
  | 'cli.thread_busy'
  | 'cli.load_failed'
  | 'cli.store_failed'
  | 'cli.not_available';

const codeExits: Record<CliErrorCode, number> = {
  'cli.usage': exitCodes.usage,
  'cli.file_not_found': exitCodes.usage,
  'cli.no_machine': exitCodes.usage,
  'cli.no_agent': exitCodes.usage,
  'cli.thread_not_found': exitCodes.usage,
  'cli.not_available': exitCodes.usage,
  'cli.thread_busy': exitCodes.busy,
  'cli.load_failed': exitCodes.failed,
  'cli.store_failed': exitCodes.failed,
};

/**
 * An error the user can fix: printed as its message alone (and its `detail` lines under it),
 * without a stack trace, and ending the command with its exit code (see `exitCodes`).
 */
export class CliError extends AgentchartError<CliErrorCode> {
  /** The process exit code this error ends the command with. */
  readonly exitCode: number;
  /** Lines printed indented under the message, each made terminal-safe on its own. */
  readonly detail: readonly string[];

  constructor(
    code: CliErrorCode,
    message: string,
    cause?: unknown,
    detail: readonly string[] = [],
  ) {
    super(code, { message, cause });
    this.exitCode = codeExits[code];
    this.detail = detail;
  }
}
