import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAgent, defineTool, SqliteCheckpointer, toolLoop } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { runCli } from '../cli';
import { memoryContext } from '../testing';
import { hostilePage, tokenVariable } from './__fixtures__/hostile-agent';

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

describe('what agentchart run prints of a hostile page and a refused credential', () => {
  const hostileModule = fileURLToPath(new URL('./__fixtures__/hostile-agent.ts', import.meta.url));
  const token = 'canary-cli-token-5c7e9a1b3d';
  // What a terminal acts on: ESC, BEL, CR, a line break inside a value, C1 CSI, a bidi override.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  const acted = /[\u001b\u0007\r\u009b\u202e]/;

  it('escapes control characters and redacts the credential in the outcome and the progress (issue 13)', async () => {
    process.env[tokenVariable] = token;
    try {
      for (const fail of [true, false]) {
        for (const json of [false, true]) {
          const io = memoryContext({ cwd: dir });
          const args = [
            'run',
            hostileModule,
            '--input',
            JSON.stringify({ fail }),
            '--db',
            database,
          ];
          await runCli(json ? [...args, '--json'] : args, io.context);
          const printed = io.stdout() + io.stderr();
          expect(printed).not.toMatch(acted);
          expect(printed).not.toContain(token);
          // Every line is the command's own: none starts with what the page wrote.
          expect(printed.split('\n').filter((line) => line.startsWith('done  thread x'))).toEqual(
            [],
          );
          if (json) {
            // The JSON still parses to the values themselves.
            const outcome = JSON.parse(io.stdout());
            if (fail) expect(outcome.error.message).toContain(`[REDACTED:${tokenVariable}]`);
            else expect(outcome.output).toBe(hostilePage);
          } else if (fail) {
            expect(io.stdout()).toContain(`token [REDACTED:${tokenVariable}]: page\\e[2J`);
          }
        }
      }
    } finally {
      delete process.env[tokenVariable];
    }
  });

  it('prints a hostile wait question escaped in every --json output (issue 13)', async () => {
    const io = memoryContext({ cwd: dir });
    const args = ['--db', database, '--json'];
    const waitModule = fileURLToPath(
      new URL('./__fixtures__/hostile-wait-agent.ts', import.meta.url),
    );
    const run = ['run', waitModule, '--input', '{}', '--thread', 'hw'];
    // Exit code 3: the run rests waiting for a person.
    expect(await runCli([...run, ...args], io.context)).toBe(3);
    for (const command of [['waits'], ['show', 'hw']]) {
      const listed = memoryContext({ cwd: dir });
      expect(await runCli([...command, ...args], listed.context)).toBe(0);
      expect(listed.stdout()).toContain('Publish this page?');
      expect(listed.stdout()).not.toMatch(acted);
    }
    expect(io.stdout()).not.toMatch(acted);
    expect(JSON.parse(io.stdout()).waits[0].prompt).toBe(`Publish this page? ${hostilePage}`);
  });
});
