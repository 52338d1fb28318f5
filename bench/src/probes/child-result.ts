import { spawn } from 'node:child_process';

/**
 * Runs `script` in a fresh Node process with this one's flags and `args`, and resolves with
 * the JSON of the last line it printed: how the A/B probes give each round or process a heap
 * of its own.
 */
export function childResult<T>(script: string, args: readonly string[], what: string): Promise<T> {
  return new Promise<T>((done, fail) => {
    const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`${what} exited with ${code}`));
      else done(JSON.parse(stdout.trim().split('\n').pop()!) as T);
    });
  });
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
