/**
 * `./run agentchart worker` is how the README and the deployment guide start a worker from a
 * checkout, and a supervisor stops it with SIGTERM to the process it started. That process
 * must be the one that stops the worker and waits for it: a signal that ends only a wrapper
 * leaves the worker running, holding its threads' leases, with nobody to stop it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SqliteCheckpointer } from '@agentchart/core';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'agentchart-run-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether any process of the group led by `pid` is still alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `child` has written `text` to its standard output (or fails on exit). */
function printed(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(text)) resolve();
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    setTimeout(() => reject(new Error(`not printed in 30 s: ${output}`)), 30_000).unref();
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing: ${output}`)));
  });
}

it('stops the worker it started when the process it started gets SIGTERM', async () => {
  const database = join(dir, 'runs.db');
  new SqliteCheckpointer({ path: database }).close();
  // A process group of its own, so the test can see (and, failing, end) every process in it.
  const child = spawn(
    'bash',
    [
      join(root, 'run'),
      'agentchart',
      'worker',
      '--agent',
      'examples/vendor-review/src/vendor-review.ts',
      '--db',
      database,
    ],
    { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid!;
  try {
    await printed(child, 'looking every');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    process.kill(pid, 'SIGTERM');
    // The worker hands its threads back and exits 0: the command's status is the worker's.
    expect(await exited).toBe(0);
    // What the worker started (tsx's esbuild service) ends when the worker's pipes close.
    for (let tries = 0; tries < 50 && groupAlive(pid); tries++) await sleep(100);
    expect(groupAlive(pid)).toBe(false);
  } finally {
    if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
  }
}, 60_000);
