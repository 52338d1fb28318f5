/**
 * Issue 13 — secrets are redacted before anything is checkpointed, journaled, emitted as an
 * event or logged: canaries in the user's input, a tool's output, a tool's error, a human's
 * reply, the environment and a model's API key reach the run (the model sees them) but no
 * checkpoint, journal row, event or warning — and not the bytes of the SQLite file either.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ChatModel,
  createAgent,
  defineTool,
  humanWait,
  type RunEvent,
  toolLoop,
} from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../fixtures/temp-stores';

const userSecret = 'canary-user-7f3a9c2e1b';
const envSecret = 'canary-env-4d8e2f6a0c1b9e';
const modelKey = 'sk-canary-model-5b7d9f1e3a2c4e6a8c';
const email = 'ada.canary@example.com';
const canaries = [userSecret, envSecret, modelKey, email];
const environmentName = 'CANARY_PAYMENTS_API_KEY';

function canaryAgent(checkpointer: ReturnType<ReturnType<typeof tempStores>['open']>) {
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks the account up.',
    input: z.object({ account: z.string() }),
    output: z.string(),
    effect: 'pure',
    execute: async () => `owner ${email}, key ${envSecret}, upstream token ${modelKey}`,
  });
  const audit = defineTool({
    name: 'audit',
    description: 'Audits the account.',
    input: z.object({}),
    output: z.string(),
    effect: 'pure',
    execute: async () => {
      throw new Error(`audit service refused key ${envSecret}`);
    },
  });
  const machine = setup({
    types: {
      input: {} as { request: string },
      context: {} as { request: string; answer?: string; note?: unknown },
    },
    actors: {
      assist: toolLoop({
        model: 'fast',
        tools: [lookup, audit],
        prompt: (request: string) => `Handle this: ${request}`,
      }),
      confirm: humanWait({
        prompt: (answer: string) => `Send this answer? ${answer}`,
        reply: z.object({ note: z.string() }),
      }),
    },
  }).createMachine({
    id: 'canary',
    context: ({ input }) => ({ request: input.request }),
    initial: 'assisting',
    states: {
      assisting: {
        invoke: {
          src: 'assist',
          input: ({ context }) => context.request,
          onDone: {
            target: 'confirming',
            actions: assign({ answer: ({ event }) => event.output.content }),
          },
        },
      },
      confirming: {
        invoke: {
          src: 'confirm',
          input: ({ context }) => context.answer!,
          onDone: { target: 'done', actions: assign({ note: ({ event }) => event.output }) },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context,
  });
  const scripted = scriptedModel({
    responses: [
      {
        toolCalls: [
          { name: 'lookup', arguments: { account: email } },
          { name: 'audit', arguments: {} },
        ],
      },
      // A model that repeats everything it read: the worst case for what gets stored.
      (request) =>
        `Done. I read: ${request.messages.map((message) => message.content).join(' | ')}`,
    ],
  });
  const model: ChatModel & { requests: typeof scripted.requests } = {
    ...scripted,
    secrets: [modelKey],
  };
  const agent = createAgent({
    machine,
    models: { fast: model },
    checkpointer,
    redact: { secrets: [userSecret], patterns: ['email'] },
    // The reply reaches the live run (an evicted run is restored from its redacted checkpoint,
    // and then the model no longer reads the secrets it held).
    evictWaiting: false,
  });
  return { agent, model };
}

/** The canaries found in `text`. */
function leaked(text: string): string[] {
  return canaries.filter((canary) => text.includes(canary));
}

describe('redaction of secrets (issue 13)', () => {
  let stores: ReturnType<typeof tempStores>;
  beforeEach(() => {
    stores = tempStores();
    process.env[environmentName] = envSecret;
  });
  afterEach(() => {
    delete process.env[environmentName];
    stores.cleanup();
  });

  it('keeps secrets in the input, tool output, errors, replies, environment and model key out of every checkpoint, journal row, event, log line and file byte (issue 13)', async ({
    annotate,
  }) => {
    const checkpointer = stores.open();
    const { agent, model } = canaryAgent(checkpointer);
    const events: RunEvent[] = [];
    agent.events.onAny((event) => events.push(event));
    agent.events.on('run.end', () => {
      throw new Error(`a listener that prints ${userSecret} and ${envSecret}`);
    });
    const warnings: string[] = [];
    vi.spyOn(process, 'emitWarning').mockImplementation((warning: string | Error) => {
      warnings.push(String(warning));
    });

    const handle = agent.start({
      threadId: 't',
      input: { request: `Refund ${email}; the password is ${userSecret}` },
    });
    expect((await handle.result()).status).toBe('waiting');
    handle.reply({ note: `approved by ${email} with ${userSecret}` });
    const outcome = await handle.result();

    // The run itself had every canary: the model read them, the live output holds them.
    const sent = JSON.stringify(model.requests);
    expect(leaked(sent)).toEqual(canaries);
    expect(outcome.status).toBe('done');
    expect(leaked(JSON.stringify(outcome.status === 'done' && outcome.output))).toEqual(canaries);

    // Nothing it stored, emitted or logged has any of them.
    const checkpoints = await Promise.all(
      (await agent.history('t')).map(({ version }) => agent.getCheckpoint('t', version)),
    );
    expect(checkpoints.length).toBeGreaterThan(2);
    expect(leaked(JSON.stringify(checkpoints))).toEqual([]);
    const journal = await agent.journal('t');
    expect(journal.map((entry) => entry.kind)).toEqual(['llm', 'tool', 'tool', 'llm', 'human']);
    expect(leaked(JSON.stringify(journal))).toEqual([]);
    expect(JSON.stringify(journal)).toContain('[REDACTED:CANARY_PAYMENTS_API_KEY]');
    expect(events.length).toBeGreaterThan(10);
    expect(leaked(JSON.stringify(events))).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(leaked(warnings.join('\n'))).toEqual([]);

    // A replay of the redacted thread follows the recording to the same end.
    const replayEvents: RunEvent[] = [];
    const replayed = await agent.replay('t', { onEvent: (event) => replayEvents.push(event) });
    expect(replayed.status).toBe('done');
    expect(leaked(JSON.stringify(replayEvents))).toEqual([]);

    // And the file itself holds none of them: read while the write-ahead log is in use, and
    // again once it was folded into the database on close.
    const read = () => readdirSync(stores.dir).map((name) => readFileSync(join(stores.dir, name)));
    const open = read();
    await agent.close();
    checkpointer.close();
    const files = [...open, ...read()];
    expect(files.length).toBeGreaterThan(0);
    let found = 0;
    for (const bytes of files) found += canaries.filter((canary) => bytes.includes(canary)).length;
    expect(found).toBe(0);
    await annotate(
      `${canaries.length} canaries, all in the model's requests; found in 0 of ${checkpoints.length} checkpoints, ${journal.length} journal rows, ${events.length + replayEvents.length} events, ${warnings.length} warning, ${files.length} reads of the database and its write-ahead log (${files.reduce((sum, bytes) => sum + bytes.length, 0)} bytes)`,
    );
  });
});

describe('a capped tool output never keeps part of a secret', () => {
  const secret = 'tok_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
  /** The longest beginning of the secret `text` holds. */
  const longestPart = (text: string) => {
    for (let length = secret.length; length > 0; length--) {
      if (text.includes(secret.slice(0, length))) return length;
    }
    return 0;
  };

  it.each([240, 250, 255, 260])(
    'stores no part of a secret the cut falls inside (secret after %i characters)',
    async (pad) => {
      // Before: the output was cut, then redacted as stored; the redactor did not recognise
      // the cut secret, and 24–32 of its 41 characters reached the journal, events and file.
      const stores = tempStores();
      const checkpointer = stores.open();
      const page = defineTool({
        name: 'page',
        description: 'Reads a page.',
        input: z.object({}),
        output: z.string(),
        effect: 'pure',
        execute: async () => `${'a'.repeat(pad)}${secret}${' b'.repeat(2_000)}`,
      });
      const model = scriptedModel({
        responses: [{ toolCalls: [{ name: 'page', arguments: {} }] }, 'done'],
      });
      const machine = setup({
        actors: {
          read: toolLoop({
            model: 'fast',
            tools: [page],
            prompt: () => 'Read the page',
            maxToolOutputTokens: 200,
          }),
        },
      }).createMachine({
        id: 'reader',
        initial: 'reading',
        states: { reading: { invoke: { src: 'read', onDone: 'done' } }, done: { type: 'final' } },
      });
      const agent = createAgent({
        machine,
        models: { fast: model },
        checkpointer,
        redact: { secrets: [secret] },
      });
      const events: RunEvent[] = [];
      agent.events.onAny((event) => events.push(event));
      expect(await agent.run({ threadId: 't', input: {} })).toMatchObject({ status: 'done' });
      const journal = JSON.stringify(await agent.journal('t'));
      expect(journal).toContain('truncated by agentchart');
      await agent.close();
      checkpointer.close();
      const files = readdirSync(stores.dir).map((name) => readFileSync(join(stores.dir, name)));
      // A few characters of the secret's start ("tok_") may well stand anywhere; a part long
      // enough to narrow the secret down may not.
      expect(longestPart(journal)).toBeLessThan(8);
      expect(longestPart(JSON.stringify(events))).toBeLessThan(8);
      expect(Math.max(...files.map((bytes) => longestPart(bytes.toString('latin1'))))).toBeLessThan(
        8,
      );
      stores.cleanup();
    },
  );
});
