import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's root: scripts run there, so `tsx` resolves. */
export const repoRoot = resolve(here, '../../../..');

/** Whether this process may mount a private file system (root) and switch user (setpriv). */
export const isRoot = process.getuid?.() === 0;

/**
 * Runs `script` (a TypeScript file beside this one) with Node in a private mount namespace
 * where `disk`, a fresh folder, is a tmpfs of `sizeMb` MB: a disk that really fills up,
 * without touching the machine's. The script gets the folder and `input` as arguments and
 * prints one JSON line last, which is returned. Root only (`unshare -m`).
 */
export function onSmallDisk<T>(script: string, input: unknown, { sizeMb = 2 } = {}): T {
  const disk = mkdtempSync(join(tmpdir(), 'agentchart-small-disk-'));
  try {
    const result = spawnSync(
      'unshare',
      [
        '-m',
        'bash',
        '-c',
        'mount -t tmpfs -o "size=$1m" tmpfs "$2" && exec "$3" --conditions=source --import tsx "$4" "$2" "$5"',
        'bash',
        String(sizeMb),
        disk,
        process.execPath,
        join(here, script),
        JSON.stringify(input),
      ],
      { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 },
    );
    return lastJsonLine<T>(result, script);
  } finally {
    rmSync(disk, { recursive: true, force: true });
  }
}

/**
 * Runs `script` with Node in a private mount namespace where `folder` is bound onto itself
 * read-only: a file system mounted read-only, which binds root too (a file's mode does not),
 * without touching the machine's mounts. Returns the JSON line it prints last. Root only.
 */
export function onReadOnlyMount<T>(folder: string, script: string, input: unknown): T {
  const result = spawnSync(
    'unshare',
    [
      '-m',
      'bash',
      '-c',
      'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" --conditions=source --import tsx "$3" "$4"',
      'bash',
      folder,
      process.execPath,
      join(here, script),
      JSON.stringify(input),
    ],
    { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
  );
  return lastJsonLine<T>(result, script);
}

/**
 * Runs `script` with Node as the user `nobody` (whom file permissions bind, unlike root),
 * with `input` as its argument; returns the JSON line it prints last.
 */
export function asNobody<T>(script: string, input: unknown): T {
  const result = spawnSync(
    'setpriv',
    [
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      process.execPath,
      '--conditions=source',
      '--import',
      'tsx',
      join(here, script),
      JSON.stringify(input),
    ],
    { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
  );
  return lastJsonLine<T>(result, script);
}

function lastJsonLine<T>(
  result: { status: number | null; stdout: string; stderr: string; error?: Error },
  script: string,
): T {
  const line = result.stdout.trim().split('\n').at(-1);
  if (result.status !== 0 || !line) {
    throw new Error(
      `${script} exited ${result.status}${result.error ? ` (${result.error.message})` : ''}: ${result.stderr.trim().slice(-2000)}`,
    );
  }
  return JSON.parse(line) as T;
}
