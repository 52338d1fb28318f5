import type { Stats } from 'node:fs';

/** Who the process acts as, for {@link isReadOnly}. */
export interface FileIdentity {
  uid: number;
  /** The effective group and the supplementary groups. */
  groups: readonly number[];
}

/** The identity of this process (effective user and groups); undefined where there is none. */
export function processIdentity(): FileIdentity | undefined {
  if (!process.geteuid || !process.getegid || !process.getgroups) return undefined;
  return { uid: process.geteuid(), groups: [process.getegid(), ...process.getgroups()] };
}

/**
 * True when a file's mode says it is not to be written by this process: the write bit of
 * the class the process falls in (owner, group, other) is clear. A superuser, whom the
 * kernel lets write anything, is held to the file having any write bit at all, so
 * `chmod a-w` protects a file from an agent running as root too. ACLs are not consulted.
 * This matters because `write_file` replaces a file by renaming a new one over it, which
 * the kernel allows whatever the file's own mode.
 */
export function isReadOnly(
  stats: Pick<Stats, 'mode' | 'uid' | 'gid'>,
  identity: FileIdentity | undefined = processIdentity(),
): boolean {
  if (!identity || identity.uid === 0) return (stats.mode & 0o222) === 0;
  if (identity.uid === stats.uid) return (stats.mode & 0o200) === 0;
  if (identity.groups.includes(stats.gid)) return (stats.mode & 0o020) === 0;
  return (stats.mode & 0o002) === 0;
}
