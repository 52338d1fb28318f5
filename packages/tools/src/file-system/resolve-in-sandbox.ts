import type { Stats } from 'node:fs';
import { lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SandboxError } from './sandbox-error';
import { displayPath, isInsideRoot } from './sandbox-path';

/** A path resolved inside the sandbox: every symlink on the way followed and checked. */
export interface SandboxLocation {
  /** The real root of the sandbox, resolved for this call. */
  root: string;
  /** The real absolute path; for a missing leaf, its real parent joined with its name. */
  realPath: string;
  /** The path as the model gave it, normalized, for messages and results. */
  shown: string;
  exists: boolean;
}

/** Options of {@link resolveInSandbox}. */
export interface ResolveOptions {
  /** A missing last segment is returned with `exists: false` instead of refused. */
  allowMissingLeaf?: boolean;
  /** Missing directories on the way are created (one at a time, each checked). */
  createDirectories?: boolean;
}

/**
 * Resolves path segments under the sandbox root one component at a time: each component is
 * `lstat`ed, and a symlink is followed with `realpath` and refused when its target is
 * outside the root — so a link anywhere on the path (a swapped-in parent directory
 * included) cannot lead out. Nothing is cached between calls.
 */
export async function resolveInSandbox(
  root: string,
  segments: readonly string[],
  { allowMissingLeaf = false, createDirectories = false }: ResolveOptions = {},
): Promise<SandboxLocation> {
  const shown = displayPath(segments);
  const realRoot = await realRootOf(root, shown);
  let current = realRoot;
  for (const [index, segment] of segments.entries()) {
    const isLeaf = index === segments.length - 1;
    const reached = displayPath(segments.slice(0, index + 1));
    const candidate = join(current, segment);
    let stats = await lstatOrUndefined(candidate, shown);
    if (!stats && !isLeaf && createDirectories) {
      await mkdir(candidate).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw ioError(error, shown);
      });
      stats = await lstatOrUndefined(candidate, shown);
    }
    if (!stats) {
      if (isLeaf && allowMissingLeaf) {
        return { root: realRoot, realPath: candidate, shown, exists: false };
      }
      throw new SandboxError(
        'not_found',
        shown,
        reached === shown
          ? `"${shown}" does not exist in the sandbox. List a directory to see what is there.`
          : `"${shown}" does not exist in the sandbox: "${reached}" is missing. List a directory to see what is there.`,
      );
    }
    if (stats.isSymbolicLink()) {
      current = await followLink(realRoot, candidate, reached, shown);
      stats = await stat(current).catch((error: unknown) => {
        throw ioError(error, shown);
      });
    } else {
      current = candidate;
    }
    if (!isLeaf && !stats.isDirectory()) {
      throw new SandboxError(
        'not_a_directory',
        shown,
        `"${shown}" cannot be reached: "${reached}" is not a directory.`,
      );
    }
  }
  return { root: realRoot, realPath: current, shown, exists: true };
}

/**
 * Checks, after a file or directory was opened, that what was opened is still what a fresh
 * resolution finds inside the root (same device and inode). This closes the window between
 * resolving a path and opening it, in which a parent directory could be swapped for a
 * symlink: the call then fails instead of touching a file outside.
 */
export async function verifyOpened(location: SandboxLocation, opened: Stats): Promise<void> {
  const changed = () =>
    new SandboxError(
      'changed_during_call',
      location.shown,
      `"${location.shown}" was refused: the path changed while it was being opened (a directory on it was replaced, possibly by a symlink leading out of the sandbox root).`,
    );
  let real: string;
  try {
    real = await realpath(location.realPath);
  } catch {
    throw changed();
  }
  if (!isInsideRoot(location.root, real)) throw changed();
  const now = await stat(real).catch(() => undefined);
  if (!now || now.dev !== opened.dev || now.ino !== opened.ino) throw changed();
}

/** Turns an unexpected file-system error into a message without host paths. */
export function ioError(error: unknown, shown: string): SandboxError {
  if (error instanceof SandboxError) return error;
  const code = (error as NodeJS.ErrnoException)?.code ?? 'unknown error';
  const hints: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENAMETOOLONG: 'a name on the path is too long',
    ELOOP: 'too many symlinks on the path',
    ENOSPC: 'no space left on the device',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a component of the path is not a directory',
  };
  return new SandboxError(
    'io_error',
    shown,
    `"${shown}" could not be accessed: ${hints[code] ?? 'file-system error'} (${code}).`,
  );
}

async function realRootOf(root: string, shown: string): Promise<string> {
  try {
    const real = await realpath(root);
    if ((await stat(real)).isDirectory()) return real;
  } catch {
    // reported below, without the host path
  }
  throw new SandboxError(
    'not_found',
    shown,
    'The sandbox root is not an existing directory. Check the root option given to the file-system tools.',
  );
}

async function lstatOrUndefined(path: string, shown: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw ioError(error, shown);
  }
}

async function followLink(
  realRoot: string,
  link: string,
  linkShown: string,
  shown: string,
): Promise<string> {
  let target: string;
  try {
    target = await realpath(link);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(error, shown);
    throw new SandboxError(
      'not_found',
      shown,
      `"${shown}" cannot be used: "${linkShown}" is a symlink whose target does not exist.`,
    );
  }
  if (!isInsideRoot(realRoot, target)) {
    throw new SandboxError(
      'outside_root',
      shown,
      `"${shown}" refused: the path escapes the sandbox root through the symlink "${linkShown}", which points outside it.`,
    );
  }
  return target;
}
