import type { Stats } from 'node:fs';
import { lstat, mkdir, readlink } from 'node:fs/promises';
import { descriptorPath } from './descriptor-path';
import type { HandleScope } from './handle-scope';
import { errorCode, ioError } from './io-error';
import {
  directoryFlags,
  type OpenDirectory,
  openSandboxRoot,
  type SandboxRoot,
} from './open-sandbox-root';
import { changedDuringCall, SandboxError } from './sandbox-error';
import { displayPath } from './sandbox-path';
import { verifyInsideRoot } from './verify-inside-root';

/** Where a path led inside the sandbox: an entry of an open directory, or the directory itself. */
export interface SandboxEntry {
  root: SandboxRoot;
  /** The open directory that holds the entry, or the entry itself when `name` is undefined. */
  directory: OpenDirectory;
  /** The entry's name in `directory`; undefined when the path led to `directory` itself. */
  name?: string;
  /** The entry as `lstat` saw it (never a symlink: those are followed); undefined if missing. */
  stats?: Stats;
  /** The path as the model gave it, normalized, for messages and results. */
  shown: string;
}

/** Options of {@link walkInSandbox}. */
export interface WalkOptions {
  /** A missing last segment is returned with no `stats` instead of refused. */
  allowMissingLeaf?: boolean;
  /** Missing directories of the path (not of a symlink's target) are created. */
  createDirectories?: boolean;
}

/** One name to look up; `link` is set for names that come from a symlink's target. */
interface Step {
  name: string;
  /** The path as given, up to the segment this step belongs to, for messages. */
  reached: string;
  /** The symlink (as a path the model gave) this name was read from. */
  link?: string;
  /** This directory was just created by the walk (it is looked up again once). */
  created?: boolean;
}

// Linux's own limit on symlinks in one lookup (MAXSYMLINKS).
const maxSymlinks = 40;
// A name that changes type between two looks is looked at again, a bounded number of times.
const maxRetries = 40;

/**
 * Walks a path the way the kernel's `openat` would, one name at a time from an open
 * descriptor of the root: each directory is opened with `O_NOFOLLOW | O_DIRECTORY` *inside
 * the directory opened before it* (through `/proc/self/fd/<fd>/<name>`), so swapping a
 * directory on the path for a symlink cannot redirect the walk. Symlinks are read and their
 * targets walked the same way, `..` going back to the directory the walk came from; a
 * target that climbs above the root, or an absolute one not under it, is refused. Nothing
 * is cached between calls. Handles opened stay open until `scope` closes.
 */
export async function walkInSandbox(
  scope: HandleScope,
  configuredRoot: string,
  segments: readonly string[],
  { allowMissingLeaf = false, createDirectories = false }: WalkOptions = {},
): Promise<SandboxEntry> {
  const shown = displayPath(segments);
  const root = await openSandboxRoot(scope, configuredRoot, shown);
  const stack: OpenDirectory[] = [root.directory];
  const top = () => stack.at(-1)!;
  const queue: Step[] = segments.map((name, index) => ({
    name,
    reached: displayPath(segments.slice(0, index + 1)),
  }));
  let links = 0;
  let retries = 0;
  const again = (step: Step) => {
    retries += 1;
    if (retries > maxRetries) throw changedDuringCall(shown, `"${step.reached}" kept changing`);
    queue.unshift(step);
  };
  const follow = async (step: Step, path: string) => {
    links += 1;
    if (links > maxSymlinks) throw ioError({ code: 'ELOOP' }, shown);
    let target: string;
    try {
      target = await readlink(path);
    } catch (error) {
      // EINVAL: no longer a symlink, ENOENT: gone; both are looked at again.
      if (errorCode(error) === 'EINVAL' || errorCode(error) === 'ENOENT') return again(step);
      throw ioError(error, shown);
    }
    const link = step.link ?? step.reached;
    if (target.startsWith('/')) {
      const below = pathBelowRoot(root, target);
      if (below === undefined) throw escapes(shown, link);
      stack.length = 1;
      target = below;
    }
    const names = target.split('/').filter((name) => name !== '' && name !== '.');
    queue.unshift(...names.map((name) => ({ name, reached: step.reached, link })));
  };

  while (queue.length > 0) {
    const step = queue.shift()!;
    const isLeaf = queue.length === 0;
    if (step.name === '..') {
      if (stack.length === 1) throw escapes(shown, step.link ?? step.reached);
      stack.pop();
      continue;
    }
    const path = `${top().path}/${step.name}`;
    if (isLeaf) {
      const stats = await lstatOrUndefined(path, shown);
      if (stats?.isSymbolicLink()) {
        await follow(step, path);
        continue;
      }
      if (!stats && step.link) throw danglingLink(shown, step.link);
      if (!stats && !allowMissingLeaf) throw notFound(shown, step.reached);
      return { root, directory: top(), name: step.name, ...(stats ? { stats } : {}), shown };
    }
    const found = await openChildDirectory(scope, path, shown);
    switch (found.kind) {
      case 'directory':
        stack.push(found.directory);
        break;
      case 'symlink':
        await follow(step, path);
        break;
      case 'changed':
        again(step);
        break;
      case 'missing':
        if (step.link) throw danglingLink(shown, step.link);
        if (!createDirectories) throw notFound(shown, step.reached);
        // Created, and gone again before it could be opened: count it as a change.
        if (step.created) again(step);
        else queue.unshift({ ...step, created: true });
        // Never create anything outside: the directory it goes in must be inside now.
        await verifyInsideRoot(root, top().fd, shown);
        await mkdir(path).catch((error: unknown) => {
          if (errorCode(error) !== 'EEXIST') throw ioError(error, shown);
        });
        break;
      case 'other':
        throw step.link
          ? new SandboxError(
              'not_a_directory',
              shown,
              `"${shown}" cannot be reached: the symlink "${step.link}" leads through something that is not a directory.`,
            )
          : new SandboxError(
              'not_a_directory',
              shown,
              `"${shown}" cannot be reached: "${step.reached}" is not a directory.`,
            );
    }
  }
  // The path was the root, or its last symlink led to a directory already open.
  return { root, directory: top(), shown };
}

type ChildDirectory =
  | { kind: 'directory'; directory: OpenDirectory }
  | { kind: 'symlink' | 'missing' | 'other' | 'changed' };

/** Opens `name` below an open directory as a directory, or says what it is instead. */
async function openChildDirectory(
  scope: HandleScope,
  path: string,
  shown: string,
): Promise<ChildDirectory> {
  try {
    const { fd } = await scope.open(path, directoryFlags);
    return { kind: 'directory', directory: { fd, path: descriptorPath(fd) } };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code !== 'ENOTDIR' && code !== 'ELOOP') throw ioError(error, shown);
  }
  // O_NOFOLLOW | O_DIRECTORY refuses a symlink and a non-directory alike: tell them apart.
  const stats = await lstatOrUndefined(path, shown);
  if (!stats) return { kind: 'missing' };
  if (stats.isSymbolicLink()) return { kind: 'symlink' };
  return { kind: stats.isDirectory() ? 'changed' : 'other' };
}

async function lstatOrUndefined(path: string, shown: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw ioError(error, shown);
  }
}

/**
 * An absolute symlink target under the root (as configured or as it really is) as a path
 * relative to it, left unnormalized so its `..` are walked like any other; undefined when
 * the target is not under the root.
 */
function pathBelowRoot(root: SandboxRoot, target: string): string | undefined {
  for (const prefix of [root.realPath, root.configuredPath]) {
    if (target === prefix) return '';
    const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
    if (target.startsWith(withSlash)) return target.slice(withSlash.length);
  }
  return undefined;
}

function escapes(shown: string, link: string): SandboxError {
  return new SandboxError(
    'outside_root',
    shown,
    `"${shown}" refused: the path escapes the sandbox root through the symlink "${link}", which points outside it.`,
  );
}

function danglingLink(shown: string, link: string): SandboxError {
  return new SandboxError(
    'not_found',
    shown,
    `"${shown}" cannot be used: "${link}" is a symlink whose target does not exist.`,
  );
}

function notFound(shown: string, reached: string): SandboxError {
  return new SandboxError(
    'not_found',
    shown,
    reached === shown
      ? `"${shown}" does not exist in the sandbox. List a directory to see what is there.`
      : `"${shown}" does not exist in the sandbox: "${reached}" is missing. List a directory to see what is there.`,
  );
}
