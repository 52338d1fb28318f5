/**
 * @module lease-writes
 * `pnpm --filter @agentchart/bench probe:lease-writes [runs]`: what leases cost when many runs
 * start, wait and end together, on core's `SqliteCheckpointer` at its default durability.
 * First the store alone: `runs` leases taken at once, then given up at once. Then an agent's
 * heartbeat: `runs` runs put to wait on a `humanWait` at once, held in memory
 * (`evictWaiting: false`) with a 3 s lease (a beat every second), and four seconds of beats
 * watched: the store calls made, the leases renewed, and the event loop's longest delay (a
 * beat's store work runs on it).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createAgent, humanWait, SqliteCheckpointer } from '@agentchart/core';
import { setup } from 'xstate';
import { z } from 'zod';
import { tempDir } from '../stores/temp-dir';

const runs = Number(process.argv[2] ?? 10_000);
const watchMs = 4_000;
const dir = tempDir('lease-writes');

const leases = new SqliteCheckpointer({ path: dir.file('leases.db') });
const now = Date.now();
let started = performance.now();
await Promise.all(
  Array.from({ length: runs }, (_, index) =>
    leases.acquireLease(`thread-${index}`, { owner: `run-${index}`, ttlMs: 30_000, now }),
  ),
);
const takenMs = performance.now() - started;
started = performance.now();
await Promise.all(
  Array.from({ length: runs }, (_, index) =>
    leases.releaseLease(`thread-${index}`, `run-${index}`),
  ),
);
const givenUpMs = performance.now() - started;
leases.close();
console.log(
  `${runs} leases taken at once in ${takenMs.toFixed(0)} ms, given up at once in ${givenUpMs.toFixed(0)} ms`,
);

const checkpointer = new SqliteCheckpointer({ path: dir.file('agentchart.db') });
const counts = { calls: 0, leases: 0 };
const renewLease = checkpointer.renewLease.bind(checkpointer);
checkpointer.renewLease = (threadId, options) => {
  counts.calls++;
  counts.leases++;
  return renewLease(threadId, options);
};
// Absent before stores could renew many leases at once; counted where it exists.
const renewLeases = checkpointer.renewLeases?.bind(checkpointer);
if (renewLeases) {
  checkpointer.renewLeases = (leases, options) => {
    counts.calls++;
    counts.leases += leases.length;
    return renewLeases(leases, options);
  };
}

const machine = setup({
  actors: { ask: humanWait({ prompt: () => 'Go?', reply: z.object({ go: z.boolean() }) }) },
}).createMachine({
  id: 'ask',
  initial: 'asking',
  states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
});
const agent = createAgent({ machine, checkpointer, evictWaiting: false, leaseTtlMs: 3_000 });
await Promise.all(Array.from({ length: runs }, () => agent.start({ input: undefined }).result()));
counts.calls = 0;
counts.leases = 0;
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
await new Promise((resolve) => setTimeout(resolve, watchMs));
delay.disable();
const beats = watchMs / 1_000;
console.log(
  `${runs} waiting runs held live on SQLite (synchronous 'full'), a 3 s lease: over ${beats} s of beats, ` +
    `${(counts.calls / beats).toFixed(0)} store calls and ${(counts.leases / beats).toFixed(0)} leases renewed a second; ` +
    `event loop delay max ${(delay.max / 1e6).toFixed(0)} ms, mean ${(delay.mean / 1e6).toFixed(2)} ms`,
);
await agent.close();
checkpointer.close();
dir.remove();
