/**
 * @module burst-replies
 * `pnpm --filter @agentchart/bench probe:burst-replies [runs]`: how long a burst holds the
 * event loop on `SqliteCheckpointer` (default durability). `runs` runs of a one-wait chart are
 * put to wait at once, then all replied to at once (half through `agent.send`, half through
 * their handles), while a 20 ms interval timer and `monitorEventLoopDelay` watch the loop.
 * Prints the longest gap of the timer beyond its 20 ms, and the loop delay's p99 and max.
 * Measures the built packages (run `./run build` first).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createAgent, humanWait, SqliteCheckpointer } from '@agentchart/core';
import { setup } from 'xstate';
import { z } from 'zod';

const runs = Number(process.argv[2] ?? 5_000);
const dir = mkdtempSync(join(tmpdir(), 'burst-replies-'));
const checkpointer = new SqliteCheckpointer({ path: join(dir, 'runs.db') });
const machine = setup({
  actors: { ask: humanWait({ prompt: () => 'ok?', reply: z.object({ ok: z.boolean() }) }) },
}).createMachine({
  id: 'asking',
  initial: 'asking',
  states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
});
const agent = createAgent({ machine, checkpointer });

let longestGap = 0;
let last = performance.now();
const watch = setInterval(() => {
  const now = performance.now();
  longestGap = Math.max(longestGap, now - last - 20);
  last = now;
}, 20);
const delay = monitorEventLoopDelay({ resolution: 10 });

const handles = Array.from({ length: runs }, (_, index) =>
  agent.start({ threadId: `t${index}`, input: {} }),
);
await Promise.all(handles.map((handle) => handle.result()));
await new Promise((resolve) => setTimeout(resolve, 200));
longestGap = 0;
delay.enable();
const started = performance.now();
const outcomes = await Promise.all(
  handles.map((handle, index) => {
    if (index % 2 === 0) {
      handle.reply({ ok: true });
      return handle.result();
    }
    return agent
      .send(`t${index}`, { type: 'human.reply', value: { ok: true } })
      .then((sent) => sent.result());
  }),
);
const took = performance.now() - started;
delay.disable();
clearInterval(watch);
const done = outcomes.filter((outcome) => outcome.status === 'done').length;
console.log(
  `${runs} replies at once on SQLite: ${done} done in ${(took / 1000).toFixed(2)} s; longest gap of a 20 ms timer ${longestGap.toFixed(0)} ms; event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, max ${(delay.max / 1e6).toFixed(0)} ms`,
);
await agent.close();
checkpointer.close();
rmSync(dir, { recursive: true, force: true });
