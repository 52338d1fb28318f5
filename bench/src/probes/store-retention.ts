/**
 * @module store-retention
 * `pnpm --filter @agentchart/bench probe:store-retention [seconds] [pairs]`: where the
 * in-memory chain10's time goes beyond raw XState's. Each mode runs in its own process, one
 * after the other, `pairs` times (modes alternating), each timing chain10 runs for `seconds`
 * after 2 s of warm-up: raw XState; agentchart on a store that keeps nothing (every checkpoint
 * dropped: the harness's own work); agentchart on the bench's store (core's
 * `MemoryCheckpointer`, replaced every 20,000 checkpoints: what the timed bench measures).
 * Prints each mode's µs per run, wall and CPU (CPU counts V8's helper threads too), medians
 * over the pairs. Measures the built packages (run `./run build` first).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createAgent, MemoryCheckpointer } from '@agentchart/core';
import { createActor, toPromise } from 'xstate';
import { boundedMemoryCheckpointer } from '../stores/bounded-memory-checkpointer';
import { chainMachine, checkChainOutput, incrementActor } from '../workloads/chain10/chain-machine';

const modes = ['raw XState', 'agentchart, store keeps nothing', 'agentchart, bench store'] as const;
type Mode = (typeof modes)[number];

/** A store that takes every checkpoint and keeps none: the run's work without the heap it fills. */
function keepingNothing(): MemoryCheckpointer {
  const store = new MemoryCheckpointer();
  store.save = async () => undefined;
  store.saveWithJournal = async () => undefined;
  return store;
}

/** One chain10 run in `mode`. */
function runner(mode: Mode): () => Promise<void> {
  if (mode === 'raw XState') {
    const machine = chainMachine(incrementActor);
    return async () =>
      checkChainOutput('raw XState', await toPromise(createActor(machine).start()));
  }
  const checkpointer =
    mode === 'agentchart, bench store' ? boundedMemoryCheckpointer() : keepingNothing();
  const agent = createAgent({ machine: chainMachine(incrementActor), checkpointer });
  return async () => {
    const outcome = await agent.run({ input: undefined });
    if (outcome.status !== 'done') throw new Error(`${mode}: ended ${outcome.status}`);
    checkChainOutput(mode, outcome.output);
  };
}

/** Times `mode` in this process: µs per run, wall and CPU. */
async function timeMode(mode: Mode, seconds: number): Promise<{ wall: number; cpu: number }> {
  const run = runner(mode);
  let until = performance.now() + 2_000;
  while (performance.now() < until) await run();
  const cpu = process.cpuUsage();
  const start = performance.now();
  until = start + seconds * 1_000;
  let runs = 0;
  while (performance.now() < until) {
    await run();
    runs++;
  }
  const used = process.cpuUsage(cpu);
  return {
    wall: ((performance.now() - start) * 1_000) / runs,
    cpu: (used.user + used.system) / runs,
  };
}

const [secondsArg = '3', pairsArg = '4', child] = process.argv.slice(2);
if (child !== undefined) {
  console.log(JSON.stringify(await timeMode(child as Mode, Number(secondsArg))));
} else {
  const results = new Map<Mode, { wall: number; cpu: number }[]>(modes.map((mode) => [mode, []]));
  const self = fileURLToPath(import.meta.url);
  for (let pair = 0; pair < Number(pairsArg); pair++) {
    for (const mode of modes) {
      const spawned = spawnSync(
        process.execPath,
        [...process.execArgv, self, secondsArg, pairsArg, mode],
        { encoding: 'utf8' },
      );
      if (spawned.status !== 0) throw new Error(`${mode}: ${spawned.stderr}`);
      results.get(mode)!.push(JSON.parse(spawned.stdout.trim().split('\n').at(-1)!));
    }
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length / 2;
    return sorted.length % 2
      ? sorted[Math.floor(middle)]!
      : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const raw = median(results.get('raw XState')!.map((result) => result.wall));
  for (const [mode, timings] of results) {
    const wall = median(timings.map((timing) => timing.wall));
    const cpu = median(timings.map((timing) => timing.cpu));
    console.log(
      `${mode.padEnd(32)} ${wall.toFixed(1).padStart(6)} µs/run wall (${(wall / raw).toFixed(2)}× raw), ${cpu.toFixed(1).padStart(6)} µs/run CPU; wall per pair: ${timings.map((timing) => timing.wall.toFixed(0)).join(' / ')}`,
    );
  }
}
