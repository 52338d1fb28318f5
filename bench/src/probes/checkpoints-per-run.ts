/**
 * @module checkpoints-per-run
 * `pnpm --filter @agentchart/bench probe:checkpoints`: checkpoints written, and turns of the
 * event loop waited for (`setImmediate` callbacks run), per run of chain10 in memory (`MemoryCheckpointer`),
 * for both agentchart variants. A run writes one checkpoint per turn of the event loop in which
 * it took a step (ADR 0051); a chain whose steps answer at once takes them all in one turn.
 * Measures the built packages (run `./run build` first).
 */
import { createAgent, MemoryCheckpointer } from '@agentchart/core';
import {
  chainMachine,
  incrementActor,
  incrementToolCall,
} from '../workloads/chain10/chain-machine';

const runs = 200;
let immediates = 0;
const setImmediateBefore = globalThis.setImmediate;
// Counted, then passed on unchanged: the run's own turns, not the loop's.
globalThis.setImmediate = ((callback: (...args: unknown[]) => void, ...args: unknown[]) =>
  setImmediateBefore(
    (...given: unknown[]) => {
      // Counted when it runs: one cleared before the turn ended took none.
      immediates++;
      callback(...given);
    },
    ...args,
  )) as typeof setImmediate;

for (const [variant, work] of [
  ['promise actor per state', incrementActor],
  ['toolCall per state, journaled', incrementToolCall],
] as const) {
  const agent = createAgent({
    machine: chainMachine(work),
    checkpointer: new MemoryCheckpointer(),
  });
  let checkpoints = 0;
  agent.events.on('checkpoint.write', () => {
    checkpoints++;
  });
  immediates = 0;
  for (let run = 0; run < runs; run++) {
    const outcome = await agent.run({ input: undefined });
    if (outcome.status !== 'done') throw new Error(`${variant}: run ended ${outcome.status}`);
  }
  await agent.close();
  console.log(
    `chain10 in memory, ${variant}, per run over ${runs} runs: checkpoints written ${checkpoints / runs}, turns of the event loop ${immediates / runs}`,
  );
}
