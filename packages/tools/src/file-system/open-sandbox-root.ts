import { constants } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { descriptorPath } from './descriptor-path';
import type { HandleScope } from './handle-scope';
import { errorCode } from './io-error';
import { SandboxError } from './sandbox-error';

/** A directory opened inside the sandbox, and the path that reaches exactly it. */
export interface OpenDirectory {
  fd: number;
  /** `/proc/self/fd/<fd>`: a name joined below it is looked up in this very directory. */
  path: string;
}

/** The sandbox root as opened for one call. */
export interface SandboxRoot {
  directory: OpenDirectory;
  /** Where the root really is (what its descriptor points at), the reference for containment. */
  realPath: string;
  /** The root as configured (absolute): a symlink target may also name the root this way. */
  configuredPath: string;
}

/** Flags for opening a directory: no symlink followed, and nothing but a directory opened. */
export const directoryFlags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * Opens the configured sandbox root (following symlinks in it: the root is the operator's
 * choice) and reads where it really is through its descriptor. Refuses on a system without
 * Linux's `/proc/self/fd`, where what a call opened could not be checked.
 */
export async function openSandboxRoot(
  scope: HandleScope,
  configuredPath: string,
  shown: string,
): Promise<SandboxRoot> {
  if (process.platform !== 'linux') throw unsupportedPlatform(shown);
  let fd: number;
  try {
    fd = (await scope.open(configuredPath, constants.O_RDONLY | constants.O_DIRECTORY)).fd;
  } catch {
    throw new SandboxError(
      'not_found',
      shown,
      'The sandbox root is not an existing directory. Check the root option given to the file-system tools.',
    );
  }
  const path = descriptorPath(fd);
  let realPath: string;
  try {
    realPath = await readlink(path);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR', 'EACCES', 'EINVAL'].includes(errorCode(error) ?? '')) {
      throw unsupportedPlatform(shown);
    }
    throw error;
  }
  if (!realPath.startsWith('/')) throw unsupportedPlatform(shown);
  return { directory: { fd, path }, realPath, configuredPath };
}

function unsupportedPlatform(shown: string): SandboxError {
  return new SandboxError(
    'unsupported_platform',
    shown,
    `The file-system tools refused the call: they check what they open through /proc/self/fd, which this system (${process.platform}) does not provide, so containment in the sandbox root could not be guaranteed. Run the agent on Linux with /proc mounted (a container or WSL 2 works).`,
  );
}
