/** Why a file-system tool refused a call or could not complete it. */
export type SandboxErrorReason =
  | 'invalid_path'
  | 'outside_root'
  | 'not_found'
  | 'not_a_file'
  | 'not_a_directory'
  | 'too_large'
  | 'not_text'
  | 'hard_link'
  | 'read_only'
  | 'changed_during_call'
  | 'unsupported_platform'
  | 'io_error';

/**
 * A refused or failed file-system call. Thrown as a plain `Error` so the harness reports it
 * as `tool.failed` with this message; the message names the path as the model gave it, never
 * the host path of the sandbox root.
 */
export class SandboxError extends Error {
  readonly reason: SandboxErrorReason;
  /** The path as the tool received it. */
  readonly path: string;

  constructor(reason: SandboxErrorReason, path: string, message: string) {
    super(message);
    this.name = 'SandboxError';
    this.reason = reason;
    this.path = path;
  }
}

/** The refusal when what a call opened is not what its path led to a moment before. */
export function changedDuringCall(shown: string, what: string): SandboxError {
  return new SandboxError(
    'changed_during_call',
    shown,
    `"${shown}" was refused: ${what} while it was being used (something is renaming or replacing files in the sandbox). Try again when the sandbox is not being changed.`,
  );
}
