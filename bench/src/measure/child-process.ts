import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What a child variant reports: its metrics, or why it failed. */
export type ChildResult =
  | { ok: true; metrics: Record<string, number>; note?: string }
  | { ok: false; error: string };

const childEntry = fileURLToPath(new URL('../child.ts', import.meta.url));

/**
 * Node flags of a benchmark child: tsx for the bench's own TypeScript, `--expose-gc` for the
 * memory figures, and — only when the bench was started with `--source` — the condition that
 * loads agentchart from its TypeScript sources instead of its built packages.
 */
export function childExecArgv(): string[] {
  return [
    '--expose-gc',
    ...(measuresSource() ? ['--conditions=@agentchart/source'] : []),
    '--import',
    'tsx',
  ];
}

/** True when agentchart is measured from its sources (`pnpm bench --source`), not its build. */
export function measuresSource(): boolean {
  return process.env.AGENTCHART_BENCH_SOURCE === '1';
}

/**
 * Runs one variant of a workload in a fresh Node process (so its peak RSS and heap are its
 * own), with `--expose-gc`, through tsx like the parent. Resolves with what it reported.
 */
export function runInChild(
  workload: string,
  variant: string,
  options: object,
  { timeoutMs = 120_000 }: { timeoutMs?: number } = {},
): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...childExecArgv(), childEntry, workload, variant, JSON.stringify(options)],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as ChildResult);
      } catch {
        resolve({
          ok: false,
          error: `child exited ${code ?? signal}: ${(stderr || stdout).trim().slice(-500)}`,
        });
      }
    });
  });
}
