/** Why a file-system tool refused a call or could not complete it. */
export type SandboxErrorReason =
  | 'invalid_path'
  | 'outside_root'
  | 'not_found'
  | 'not_a_file'
  | 'not_a_directory'
  | 'too_large'
  | 'not_text'
  | 'changed_during_call'
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
