import { readlink } from 'node:fs/promises';
import { descriptorPath } from './descriptor-path';
import { ioError } from './io-error';
import type { SandboxRoot } from './open-sandbox-root';
import { changedDuringCall } from './sandbox-error';
import { isInsideRoot } from './sandbox-path';

/**
 * Checks that what a descriptor was opened on is inside the sandbox root now: the kernel
 * says where it is (`readlink /proc/self/fd/<fd>`), whatever path was used to reach it. This
 * is the check that holds under races; the walk that led there only makes it rarely fail.
 */
export async function verifyInsideRoot(
  root: SandboxRoot,
  fd: number,
  shown: string,
): Promise<void> {
  let real: string;
  try {
    real = await readlink(descriptorPath(fd));
  } catch (error) {
    throw ioError(error, shown);
  }
  if (!isInsideRoot(root.realPath, real)) {
    throw changedDuringCall(
      shown,
      'what it opened is not inside the sandbox root (a directory on its path was moved out)',
    );
  }
}
