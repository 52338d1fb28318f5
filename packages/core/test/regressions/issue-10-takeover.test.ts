/**
 * Issue 10 — a run that loses its thread stops before its next effect: a forced resume in
 * another agent (as another process would) takes the thread, and the first run's journal
 * writes are refused from then on, so its unsafe tool never acts.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, defineTool, SqliteCheckpointer, toolLoop } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('losing a thread (issue 10)', () => {
  it('stops the old owner before its next effect once another process took the thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentchart-takeover-'));
    dirs.push(dir);
    const path = join(dir, 'runs.db');
    let sends = 0;
    let release!: () => void;
    const slowLookupStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finishLookup!: () => void;
    const lookupGate = new Promise<void>((resolve) => {
      finishLookup = resolve;
    });
    const tools = (gated: boolean) => [
      defineTool({
        name: 'lookup',
        description: 'Looks the customer up.',
        input: z.object({}),
        output: z.object({ email: z.string() }),
        effect: 'pure',
        // The agent's own customer table: the unsafe send after it needs no approval here.
        trustedOutput: true,
        execute: async () => {
          if (gated) {
            release();
            await lookupGate;
          }
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
          sends++;
          return { sent: true };
        },
        reconcile: async () => ({ status: 'not_executed' }),
      }),
    ];
    const machineFor = (gated: boolean) =>
      setup({
        actors: {
          work: toolLoop({ model: 'fast', tools: tools(gated), prompt: () => 'Invoice c.' }),
        },
      }).createMachine({
        id: 'invoice',
        initial: 'working',
        states: {
          working: { invoke: { src: 'work', onDone: 'done', onError: 'failed' } },
          done: { type: 'final' },
          failed: { type: 'final' },
        },
      });
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
    const first = createAgent({
      machine: machineFor(true),
      models: { fast: model() },
      checkpointer: new SqliteCheckpointer({ path }),
    });
    const handle = first.start({ threadId: 'inv', input: undefined });
    await slowLookupStarted;
    // Another process, told the first one is gone, takes the thread and finishes it.
    const second = createAgent({
      machine: machineFor(false),
      models: { fast: model() },
      checkpointer: new SqliteCheckpointer({ path }),
    });
    const taken = await second.resume('inv', { force: true });
    expect((await taken.result()).status).toBe('done');
    expect(sends).toBe(1);
    // The first run wakes up, finds its thread gone, and acts no more.
    finishLookup();
    const outcome = await handle.result();
    expect(outcome.status).toBe('failed');
    expect(sends).toBe(1);
    await second.close();
  });
});
