import { SandboxError } from './sandbox-error';

const hints: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENAMETOOLONG: 'a name on the path is too long',
  ELOOP: 'too many symlinks on the path',
  ENOSPC: 'no space left on the device',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a component of the path is not a directory',
  EMFILE: 'too many open files',
  EROFS: 'the file system is read-only',
};

/** Turns an unexpected file-system error into a message without host paths. */
export function ioError(error: unknown, shown: string): SandboxError {
  if (error instanceof SandboxError) return error;
  const code = (error as NodeJS.ErrnoException)?.code ?? 'unknown error';
  return new SandboxError(
    'io_error',
    shown,
    `"${shown}" could not be accessed: ${hints[code] ?? 'file-system error'} (${code}).`,
  );
}

/** The error code of a file-system error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
