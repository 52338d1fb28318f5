/**
 * @module burst-starts
 * `pnpm --filter @agentchart/bench probe:burst [runs] [rounds] [suspended|model-call]`: where
 * the wall time of a burst of `agent.start`s goes, on createAgent's defaults (the in-memory
 * store). Each round starts `runs` runs at once on a new agent and waits for all of them to
 * come to rest: the suspended workload (prepare → a `humanWait`; each run rests `waiting` and
 * is evicted) or one `structuredCall` on a scripted model (each run ends `done`). A round's
 * wall time is split into the main thread's time on a CPU, its time runnable but waiting for a
 * CPU (another process, or this process's own threads, had it), and the event loop's idle
 * time (waiting on timers or I/O: the only part the harness could make a burst wait on); the
 * rest is time blocked otherwise (a page fault, a lock). Beside it, the CPU time of the
 * process's other threads: V8's garbage collector helpers. The split reads Linux's
 * `/proc/self/schedstat` and `/proc/self/task/<tid>/schedstat`; elsewhere only the wall time,
 * the process's CPU time and the idle time are printed. Medians of the rounds at the end.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createAgent, structuredCall } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { setup } from 'xstate';
import { z } from 'zod';
import { agentchartSuspended } from '../workloads/suspended/suspended-agentchart';

const runs = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 5);
const workload = process.argv[4] ?? 'suspended';
if (workload !== 'suspended' && workload !== 'model-call') {
  throw new Error(`the workload is suspended or model-call, got "${workload}"`);
}

const triage = setup({
  actors: {
    triage: structuredCall({
      model: 'fast',
      schema: z.object({ urgent: z.boolean() }),
      prompt: (ticket: string) => `Triage: ${ticket}`,
    }),
  },
}).createMachine({
  initial: 'triaging',
  states: {
    triaging: { invoke: { src: 'triage', input: () => 'charged twice', onDone: 'triaged' } },
    triaged: { type: 'final' },
  },
});

/** Starts `ids` at once on a new agent and resolves when every run is at rest. */
async function burst(ids: string[]): Promise<void> {
  if (workload === 'suspended') {
    await agentchartSuspended().suspend(ids);
    return;
  }
  const model = scriptedModel({ handler: () => ({ json: { urgent: true } }) });
  const agent = createAgent({ machine: triage, models: { fast: model } });
  const outcomes = await Promise.all(
    ids.map((threadId) => agent.start({ threadId, input: undefined }).result()),
  );
  const notDone = outcomes.find((outcome) => outcome.status !== 'done');
  if (notDone) throw new Error(`thread ${notDone.threadId} came to rest ${notDone.status}`);
  await agent.close();
}

/** Milliseconds on a CPU and waiting for one, of one thread (the main thread by default). */
function scheduled(task = 'self'): { onCpu: number; waiting: number } | undefined {
  const path = task === 'self' ? '/proc/self/schedstat' : `/proc/self/task/${task}/schedstat`;
  try {
    const [onCpu = 0, waiting = 0] = readFileSync(path, 'utf8').split(' ').map(Number);
    return { onCpu: onCpu / 1e6, waiting: waiting / 1e6 };
  } catch {
    // Not Linux, or the thread ended.
    return undefined;
  }
}

/** CPU milliseconds of the process's threads other than the main one. */
function otherThreadsCpu(): number | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  return tasks
    .filter((task) => task !== String(process.pid))
    .reduce((sum, task) => sum + (scheduled(task)?.onCpu ?? 0), 0);
}

const processCpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const columns = [
  'wall',
  'process CPU',
  'main thread on a CPU',
  'waiting for a CPU',
  'loop idle',
  'blocked otherwise',
];
const rows: Record<string, number[]> = Object.fromEntries(columns.map((name) => [name, []]));
const helpers: number[] = [];
const format = (ms: number | undefined) => (ms === undefined ? '—' : `${ms.toFixed(0)} ms`);

console.log(
  `${runs} agent.start at once, ${workload} workload, in-memory store; load average ${loadavg()
    .map((load) => load.toFixed(2))
    .join(
      ' ',
    )} on ${readdirSync('/sys/devices/system/cpu').filter((name) => /^cpu\d+$/.test(name)).length || '?'} CPUs`,
);
// One burst not measured: the first compiles the code every later one runs.
await burst(Array.from({ length: runs }, (_, index) => `warm-${index}`));
for (let round = 0; round < rounds; round++) {
  const ids = Array.from({ length: runs }, (_, index) => `r${round}-${index}`);
  const loop = performance.eventLoopUtilization();
  const main = scheduled();
  const others = otherThreadsCpu();
  const cpu = processCpu();
  const started = performance.now();
  await burst(ids);
  const wall = performance.now() - started;
  const idle = performance.eventLoopUtilization(loop).idle;
  const mainAfter = scheduled();
  const othersAfter = otherThreadsCpu();
  const onCpu = main && mainAfter ? mainAfter.onCpu - main.onCpu : undefined;
  const waiting = main && mainAfter ? mainAfter.waiting - main.waiting : undefined;
  const other =
    onCpu === undefined || waiting === undefined ? undefined : wall - onCpu - waiting - idle;
  const helper =
    others === undefined || othersAfter === undefined ? undefined : othersAfter - others;
  const values = [wall, processCpu() - cpu, onCpu, waiting, idle, other];
  values.forEach((value, index) => {
    if (value !== undefined) rows[columns[index]!]!.push(value);
  });
  if (helper !== undefined) helpers.push(helper);
  console.log(
    `  round ${round + 1}: ${columns.map((name, index) => `${name} ${format(values[index])}`).join(', ')}; other threads' CPU ${format(helper)}`,
  );
}
const median = (values: number[]) =>
  values.length === 0 ? undefined : [...values].sort((a, b) => a - b)[values.length >> 1];
console.log(
  `medians of ${rounds} rounds: ${columns.map((name) => `${name} ${format(median(rows[name]!))}`).join(', ')}; other threads' CPU ${format(median(helpers))}`,
);
