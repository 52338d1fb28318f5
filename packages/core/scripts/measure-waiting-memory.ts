/**
 * Heap per waiting run, with and without `evictWaiting`, on the SQLite store:
 *   node --expose-gc --conditions=@agentchart/source --import tsx \
 *     packages/core/scripts/measure-waiting-memory.ts
 * Each run waits on a human approval (with a one-hour deadline: an evicted run keeps a
 * wake-up timer for it). Prints one line per configuration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup } from 'xstate';
import { z } from 'zod';
import { createAgent } from '../src/agent/create-agent';
import { humanWait } from '../src/effects/human-wait';
import { SqliteCheckpointer } from '../src/store/sqlite-checkpointer';

const runs = 3_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const settle = async () => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
};

for (const evictWaiting of [false, true]) {
  for (const timeoutMs of [undefined, 3_600_000]) {
    const machine = setup({
      actors: {
        approve: humanWait({
          prompt: () => 'Approve?',
          reply: z.object({ approved: z.boolean() }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        }),
      },
    }).createMachine({
      id: 'approval',
      initial: 'asking',
      states: { asking: { invoke: { src: 'approve', onDone: 'done' } }, done: { type: 'final' } },
    });
    const dir = mkdtempSync(join(tmpdir(), 'agentchart-memory-'));
    const store = new SqliteCheckpointer({ path: join(dir, 'runs.db'), synchronous: 'normal' });
    const agent = createAgent({ machine, checkpointer: store, evictWaiting });
    for (let i = 0; i < 200; i++) await agent.run({ threadId: `warm-${i}`, input: undefined });
    await settle();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < runs; i++) await agent.run({ threadId: `t-${i}`, input: undefined });
    await settle();
    const perRun = (process.memoryUsage().heapUsed - before) / runs;
    process.stdout.write(
      `evictWaiting ${evictWaiting}, ${timeoutMs === undefined ? 'no deadline' : 'deadline'}: ${Math.round(perRun)} bytes of heap per waiting run\n`,
    );
    for (let i = 0; i < runs; i++) await (await agent.resume(`t-${i}`)).stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
