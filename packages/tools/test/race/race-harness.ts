import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RaceChildConfig, RaceReport } from './race-report';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's root: the child runs there, so `tsx` resolves. */
const repoRoot = resolve(here, '../../../..');
const childEntry = join(here, 'race-child.ts');

/** True where the race test can run: Linux with a C compiler and `mkfifo`. */
export function canRace(): boolean {
  return (
    process.platform === 'linux' &&
    spawnSync('cc', ['--version']).status === 0 &&
    spawnSync('mkfifo', ['--version']).status === 0
  );
}

let compiled: string | undefined;

/** Compiles `swap-paths.c` once per process into a temporary directory. */
export function compileRacer(): string {
  if (compiled) return compiled;
  const dir = mkdtempSync(join(tmpdir(), 'agentchart-racer-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const binary = join(dir, 'swap-paths');
  const result = spawnSync('cc', ['-O2', '-o', binary, join(here, 'swap-paths.c')], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`cc could not build the racer:\n${result.stderr}`);
  compiled = binary;
  return binary;
}

/** Options of {@link runRaceTest}. */
export interface RaceTestOptions {
  scenarios: string[];
  /** Racer time per scenario. Default 1 s. */
  seconds?: number;
  /** Tool calls in flight at once. Default 4, the size of libuv's default thread pool. */
  concurrency?: number;
  /** A call pending this long counts as a hang. Default 2 s. */
  callDeadlineMs?: number;
}

/**
 * Runs the scenarios in a child process (tsx on the sources) with the racer swapping paths,
 * and returns the child's figures. The child is killed if it outlives every scenario's time
 * and deadlines by far; that throws, as a report-less run proves nothing.
 */
export async function runRaceTest({
  scenarios,
  seconds = 1,
  concurrency = 4,
  callDeadlineMs = 2_000,
}: RaceTestOptions): Promise<RaceReport> {
  const config: RaceChildConfig = {
    scenarios,
    seconds,
    racer: compileRacer(),
    concurrency,
    callDeadlineMs,
  };
  const limitMs = 20_000 + scenarios.length * (seconds * 1_000 + 4 * callDeadlineMs);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@agentchart/source', '--import', 'tsx', childEntry],
      {
        cwd: repoRoot,
        env: { ...process.env, AGENTCHART_RACE_CHILD: JSON.stringify(config) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').at(-1);
      if (line?.startsWith('{')) resolvePromise(JSON.parse(line) as RaceReport);
      else
        reject(new Error(`the race child ended (${signal ?? code}) without a report:\n${stderr}`));
    });
  });
}
