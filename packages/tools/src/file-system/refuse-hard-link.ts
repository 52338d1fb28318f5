import type { Stats } from 'node:fs';
import { SandboxError } from './sandbox-error';

/**
 * Refuses a file with more than one name (a hard link), unless allowed: its other names may
 * be outside the sandbox root, and no check on the path can tell, so reading it may read a
 * file from outside and writing it may be meant to change one.
 */
export function refuseHardLink(stats: Stats, shown: string, allowHardLinks: boolean): void {
  if (allowHardLinks || !stats.isFile() || stats.nlink <= 1) return;
  throw new SandboxError(
    'hard_link',
    shown,
    `"${shown}" was refused: it is a hard link (the file has ${stats.nlink} names), and another of its names may be outside the sandbox root. Use a copy of the file; the operator can allow hard links with the allowHardLinks option.`,
  );
}
