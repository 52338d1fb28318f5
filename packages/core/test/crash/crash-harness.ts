import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CrashChildConfig, type CrashScenario, modelCallsFile } from './crash-scenario';
import { crashScenarios } from './crash-scenarios';
import { type CrashTrial, judgeTrial } from './judge-trial';
import { childCommand, spawnChild } from './spawn-child';

/** Tries of a boundary whose process finished before reaching it (see runCrashTest). */
const maxAttemptsPerBoundary = 3;

/** What {@link runCrashTest} found for one scenario. */
export interface CrashReport {
  scenario: string;
  description: string;
  /** Boundaries of the uncrashed run: every write's before and after, and each unsafe act. */
  boundaries: number;
  trials: CrashTrial[];
  covered: number;
  identical: number;
  stepsLost: number;
  duplicateSideEffects: number;
  ambiguous: number;
  ambiguityRouted: number;
  modelCallsRepeated: number;
  durationMs: number;
}

/** Options of {@link runCrashTest}. */
export interface CrashTestOptions {
  scenario: string;
  /** Where `scenario` is found. Default: core's own scenarios. */
  scenarios?: Readonly<Record<string, CrashScenario>>;
  /** The child entry that runs those scenarios (a module calling `runCrashChild`). */
  childEntry?: string;
  /** Boundaries to crash at; default every one, 1…N. */
  only?: (k: number, n: number) => boolean;
  /** Trials run at once. Default 3 (children wait on the disk part of the time). */
  concurrency?: number;
  /**
   * How children load the TypeScript: `bundle` (default) runs one esbuild bundle of the child
   * with plain node, 2-3 times faster to start; `tsx` loads the sources through tsx.
   */
  loader?: 'bundle' | 'tsx';
}

/**
 * The crash test: runs a scenario's thread uncrashed in a child process to count its
 * boundaries N and record its result, then for each k in 1…N runs it in a fresh child that
 * SIGKILLs itself at boundary k and resumes it in another fresh child, comparing the outcome,
 * the journal and the outside system's side-effect counter with the uncrashed run.
 */
export async function runCrashTest({
  scenario: name,
  scenarios = crashScenarios,
  childEntry,
  only = () => true,
  concurrency = 3,
  loader = 'bundle',
}: CrashTestOptions): Promise<CrashReport> {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`unknown crash scenario "${name}"`);
  const started = performance.now();
  const command = await childCommand(loader, childEntry);
  const runChild = (config: CrashChildConfig) => spawnChild(command, config);
  const reference = await inTrialDir(async (dir) => {
    const run = await runChild({ scenario: name, dir, dbPath: join(dir, 'runs.db'), crashAt: 0 });
    if (!run.report) throw new Error(`the uncrashed ${name} run did not finish: ${run.stderr}`);
    return {
      report: run.report,
      sideEffects: scenario.sideEffects?.(dir),
      modelCalls: modelCallsIn(dir),
    };
  });
  const n = reference.report.boundaries.length;
  const ks = Array.from({ length: n }, (_, index) => index + 1).filter((k) => only(k, n));
  const trial = (k: number) =>
    inTrialDir(async (dir) => {
      const config = { scenario: name, dir, dbPath: join(dir, 'runs.db') };
      const crashed = await runChild({ ...config, crashAt: k });
      const resumed = await runChild({ ...config, crashAt: 0 });
      return judgeTrial({
        k,
        boundary: reference.report.boundaries[k - 1]!,
        killed: crashed.signal === 'SIGKILL',
        crashed: crashed.report,
        resumed: resumed.report,
        stderr: resumed.stderr,
        reference: reference.report,
        referenceSideEffects: reference.sideEffects,
        sideEffects: scenario.sideEffects?.(dir),
        modelCallsRepeated: modelCallsIn(dir) - reference.modelCalls,
        ambiguityFails: scenario.ambiguityFails ?? false,
      });
    });
  // A run's writes can group differently from one process to the next (a checkpoint is built
  // per turn of the event loop, and a loaded machine runs more in a turn): a process that
  // finished before its k-th write is tried again in a fresh directory, a few times at most.
  const trials = await mapLimit(ks, concurrency, async (k) => {
    for (let attempt = 1; ; attempt++) {
      const judged = await trial(k);
      if (judged.killed || attempt === maxAttemptsPerBoundary) return judged;
    }
  });
  const sum = (pick: (trial: CrashTrial) => number) =>
    trials.reduce((total, trial) => total + pick(trial), 0);
  return {
    scenario: name,
    description: scenario.description,
    boundaries: n,
    trials,
    covered: sum((trial) => (trial.killed ? 1 : 0)),
    identical: sum((trial) => (trial.identical ? 1 : 0)),
    stepsLost: sum((trial) => trial.stepsLost),
    duplicateSideEffects: sum((trial) => trial.duplicateSideEffects),
    ambiguous: sum((trial) => (trial.ambiguous ? 1 : 0)),
    ambiguityRouted: sum((trial) => (trial.ambiguous && trial.ambiguityRouted ? 1 : 0)),
    modelCallsRepeated: sum((trial) => trial.modelCallsRepeated),
    durationMs: Math.round(performance.now() - started),
  };
}

function modelCallsIn(dir: string): number {
  const path = join(dir, modelCallsFile);
  return existsSync(path) ? statSync(path).size : 0;
}

async function inTrialDir<T>(action: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'agentchart-crash-'));
  try {
    return await action(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  action: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await action(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
