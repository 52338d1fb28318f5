import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../../..');

/** One worker process and what it printed. */
export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal) once it exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `count` worker processes on the database; resolves when all are ready. */
export async function startWorkers(
  count: number,
  env: { databaseUrl: string; concurrency: number; modelLatencyMs: number },
): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: count }, () => {
    const child = spawn(
      process.execPath,
      ['--conditions=@agentchart/source', '--import', 'tsx', join(here, 'worker-process.ts')],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          SCALE_DATABASE_URL: env.databaseUrl,
          SCALE_CONCURRENCY: String(env.concurrency),
          SCALE_MODEL_LATENCY_MS: String(env.modelLatencyMs),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })),
    );
    return { child, output: () => output, exited };
  });
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolveReady, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`a worker did not start in 30 s: ${worker.output()}`)),
            30_000,
          );
          const check = () => {
            if (worker.output().includes('ready\n')) {
              clearTimeout(timer);
              resolveReady();
            }
          };
          worker.child.stdout!.on('data', check);
          void worker.exited.then(() => {
            clearTimeout(timer);
            reject(new Error(`a worker exited before it was ready: ${worker.output()}`));
          });
          check();
        }),
    ),
  );
  return workers;
}

/** Polls `condition` every 100 ms until it holds or `timeoutMs` passes (then rejects). */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}
