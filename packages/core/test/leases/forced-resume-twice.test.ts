/**
 * Two forced resumes of one thread: the second finds the first running the thread and is
 * refused, so an unsafe tool the first has in flight acts once. Before, `force` took the
 * thread from whoever held it, the first resume included: its in-flight send went through
 * and the second, told by `reconcile` that nothing was sent, sent again.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Checkpointer,
  createAgent,
  defineTool,
  SqliteCheckpointer,
  toolLoop,
} from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A promise and the function that settles it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('forced resumes of one thread', () => {
  it('refuses a second forced resume while the first one runs the thread, so an unsafe send acts once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentchart-forced-twice-'));
    dirs.push(dir);
    const path = join(dir, 'runs.db');
    let sends = 0;
    /** Each process's tools: `lookup` and `send` may wait for a gate, and say when they start. */
    const machineFor = (gates: { lookup?: Promise<void>; send?: Promise<void> }) => {
      const lookupStarted = gate();
      const sendStarted = gate();
      const tools = [
        defineTool({
          name: 'lookup',
          description: 'Looks the customer up.',
          input: z.object({}),
          output: z.object({ email: z.string() }),
          effect: 'pure',
          trustedOutput: true,
          execute: async () => {
            lookupStarted.open();
            await gates.lookup;
            return { email: 'c@example.com' };
          },
        }),
        defineTool({
          name: 'send',
          description: 'Sends the invoice.',
          input: z.object({ email: z.string() }),
          output: z.object({ sent: z.boolean() }),
          effect: 'unsafe',
          execute: async () => {
            sendStarted.open();
            await gates.send;
            sends++;
            return { sent: true };
          },
          // Asked after a takeover: the send had not gone out when it was asked.
          reconcile: async () => ({ status: 'not_executed' }),
        }),
      ];
      const machine = setup({
        actors: { work: toolLoop({ model: 'fast', tools, prompt: () => 'Invoice c.' }) },
      }).createMachine({
        id: 'invoice',
        initial: 'working',
        states: {
          working: { invoke: { src: 'work', onDone: 'done', onError: 'failed' } },
          done: { type: 'final' },
          failed: { type: 'final' },
        },
      });
      return { machine, lookupStarted: lookupStarted.opened, sendStarted: sendStarted.opened };
    };
    const model = () =>
      scriptedModel({
        handler: (request) => {
          const results = request.messages.filter((message) => message.role === 'tool').length;
          if (results === 0) return { toolCalls: [{ name: 'lookup', arguments: {} }] };
          if (results === 1)
            return { toolCalls: [{ name: 'send', arguments: { email: 'c@example.com' } }] };
          return 'Sent.';
        },
      });
    // Three agents on one file, as three processes would be.
    const agentOf = (machine: ReturnType<typeof machineFor>['machine']) => {
      const checkpointer: Checkpointer = new SqliteCheckpointer({ path });
      return createAgent({ machine, models: { fast: model() }, checkpointer });
    };
    // The first process hangs in its lookup: to the others, it is gone.
    const hung = gate();
    const dead = machineFor({ lookup: hung.opened });
    const first = agentOf(dead.machine);
    const firstRun = first.start({ threadId: 'inv', input: undefined });
    await dead.lookupStarted;
    // A recovery routine forces the thread; its send is in flight (started, not yet sent).
    const sendGate = gate();
    const recovering = machineFor({ send: sendGate.opened });
    const second = agentOf(recovering.machine);
    const secondRun = await second.resume('inv', { force: true });
    await recovering.sendStarted;
    // A second recovery routine forces the same thread a moment later.
    const other = machineFor({});
    const third = agentOf(other.machine);
    await expect(third.resume('inv', { force: true })).rejects.toMatchObject({
      code: 'checkpoint.lease_held',
      message: expect.stringMatching(/taken over by run "[^"]+" just before this forced resume/),
    });
    sendGate.open();
    expect((await secondRun.result()).status).toBe('done');
    expect(sends).toBe(1);
    // The hung first process wakes up, finds its thread gone, and acts no more.
    hung.open();
    expect((await firstRun.result()).status).toBe('failed');
    expect(sends).toBe(1);
    await Promise.all([first.close(), second.close(), third.close()]);
  });
});
