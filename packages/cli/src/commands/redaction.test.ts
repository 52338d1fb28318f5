import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, defineTool, SqliteCheckpointer, toolLoop } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { runCli } from '../cli';
import { memoryContext } from '../testing';

const userSecret = 'canary-cli-user-3e5a7c9b1d';
const envSecret = 'canary-cli-env-8f6d4b2a0e9c';
const modelKey = 'sk-canary-cli-model-1a2b3c4d5e6f7a8b';
const canaries = [userSecret, envSecret, modelKey];

let dir: string;
let database: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentchart-cli-redaction-'));
  database = join(dir, 'runs.db');
  process.env.CANARY_CLI_API_KEY = envSecret;
  const leaky = defineTool({
    name: 'leaky',
    description: 'Returns, then fails with, what it should not.',
    input: z.object({ fail: z.boolean() }),
    output: z.string(),
    effect: 'pure',
    execute: async ({ fail }) => {
      if (fail) throw new Error(`upstream rejected ${envSecret} and ${modelKey}`);
      return `token ${envSecret}, key ${modelKey}`;
    },
  });
  const machine = setup({
    actors: {
      work: toolLoop({ model: 'fast', tools: [leaky], prompt: (text: string) => text }),
    },
  }).createMachine({
    id: 'leaky',
    initial: 'working',
    states: {
      working: {
        invoke: { src: 'work', input: `Do it, password ${userSecret}`, onDone: 'done' },
      },
      done: { type: 'final' },
    },
  });
  const model = {
    ...scriptedModel({
      responses: [
        {
          toolCalls: [
            { name: 'leaky', arguments: { fail: false } },
            { name: 'leaky', arguments: { fail: true } },
          ],
        },
        (request) => request.messages.map((message) => message.content).join(' '),
      ],
    }),
    secrets: [modelKey],
  };
  const checkpointer = new SqliteCheckpointer({ path: database, synchronous: 'normal' });
  const agent = createAgent({
    machine,
    models: { fast: model },
    checkpointer,
    redact: { secrets: [userSecret] },
  });
  const outcome = await agent.run({ threadId: `thread-${userSecret.length}`, input: undefined });
  expect(outcome.status).toBe('done');
  await agent.close();
  checkpointer.close();
});
afterAll(() => {
  delete process.env.CANARY_CLI_API_KEY;
  rmSync(dir, { recursive: true, force: true });
});

describe('redaction seen from the CLI (issue 13)', () => {
  it('shows no secret of the input, a tool, its error, the environment or the model key (issue 13)', async () => {
    for (const args of [
      ['runs', '--db', database],
      ['show', `thread-${userSecret.length}`, '--db', database],
    ]) {
      const io = memoryContext({ cwd: dir });
      expect(await runCli(args, io.context)).toBe(0);
      const printed = io.stdout() + io.stderr();
      expect(canaries.filter((canary) => printed.includes(canary))).toEqual([]);
    }
    const io = memoryContext({ cwd: dir });
    await runCli(['show', `thread-${userSecret.length}`, '--db', database], io.context);
    // The error column shows where the secret was (cut to the column's width).
    expect(io.stdout()).toContain('upstream rejected [REDACTED:CANARY_CLI_API_KEY');
  });
});
