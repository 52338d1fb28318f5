/**
 * The path of an open descriptor in Linux's `/proc/self/fd`. It is a "magic link": opening
 * it, or a name below it (`/proc/self/fd/7/notes.txt`), reaches the very file or directory
 * the descriptor was opened on, wherever it is now, instead of resolving a path again. That
 * gives Node, which has no `openat`, the same guarantee, and `readlink` on it tells where the
 * opened object really is.
 */
export function descriptorPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}
