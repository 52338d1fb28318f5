/**
 * Security review — caps that cut a value before the redactor saw it stored the head of a
 * secret: cut, the secret is no longer recognised, and what the cut kept of it is stored as
 * it is. Found in a tool's error message cut to 4,000 characters, in the preview of a
 * chart-level tool call's `tool.output_too_large` output and in the preview of an approval
 * wait's oversized model arguments, where a model (injected through a tool's output) pads
 * its arguments so that 39 of a key's 40 characters are kept; and in the quote of an object
 * a tool threw instead of an Error, and in a message the context budget's
 * `keep-head-and-tail` cut to fit the window, which the journal keeps as sent.
 */
import { createAgent, defineTool, type RunEvent, toolCall, toolLoop } from '@agentchart/core';
import { scriptedModel } from '@agentchart/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../fixtures/temp-stores';

const secret = 'sk-live-Q7w9E2r4T6y8U0i1O3p5A7s9D2f4G6hX';
const environmentName = 'PAYMENTS_API_KEY';
/** Any part of the secret this long or longer starts with this. */
const shortestFragment = secret.slice(0, 8);
/** And any end of it this long or longer ends with this. */
const shortestEnd = secret.slice(-8);
/** `maxJournalValueBytes`: small, so oversized values stay small in the test. */
const maxBytes = 4_096;
/** How much of an omitted value's JSON its preview keeps. */
const previewCharacters = 200;

describe('secrets cut by a cap before redaction (security review)', () => {
  let stores: ReturnType<typeof tempStores>;
  beforeEach(() => {
    stores = tempStores();
    process.env[environmentName] = secret;
  });
  afterEach(() => {
    delete process.env[environmentName];
    stores.cleanup();
  });

  /**
   * Runs `machine` on a SQLite store, replying `reply` to a wait it rests on; returns what its
   * store held (while waiting and at the end) and what it emitted.
   */
  async function storedAfter(
    machine: Parameters<typeof createAgent>[0]['machine'],
    models: Parameters<typeof createAgent>[0]['models'] = {},
    reply?: unknown,
    budget?: Parameters<typeof createAgent>[0]['budget'],
  ) {
    const checkpointer = stores.open();
    const agent = createAgent({
      machine,
      models,
      checkpointer,
      maxJournalValueBytes: maxBytes,
      evictWaiting: false,
      ...(budget ? { budget } : {}),
    });
    const events: RunEvent[] = [];
    agent.events.onAny((event) => events.push(event));
    const handle = agent.start({ threadId: 't', input: {} });
    let outcome = await handle.result();
    const seen: string[] = [];
    const read = async () => {
      const checkpoints = await Promise.all(
        (await agent.history('t')).map(({ version }) => agent.getCheckpoint('t', version)),
      );
      seen.push(JSON.stringify([await checkpointer.listEffects('t'), checkpoints, events]));
    };
    if (reply !== undefined && outcome.status === 'waiting') {
      await read();
      handle.reply(reply);
      outcome = await handle.result();
    }
    await read();
    await agent.close();
    return { outcome, stored: seen.join('\n') };
  }

  it('keeps no part of a secret a tool error message cut at 4,000 characters would split', async () => {
    const prefix = 'Tool "audit" failed: ';
    const audit = defineTool({
      name: 'audit',
      description: 'Quotes its upstream in its error.',
      input: z.object({}),
      output: z.string(),
      effect: 'pure',
      execute: async () => {
        // The stored message's 4,000-character cut falls 20 characters into the secret.
        throw new Error(`${'x'.repeat(4_000 - prefix.length - 20)}${secret} rest`);
      },
    });
    const machine = setup({ actors: { call: toolCall(audit) } }).createMachine({
      id: 'audit',
      initial: 'calling',
      states: {
        calling: { invoke: { src: 'call', input: {}, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const { outcome, stored } = await storedAfter(machine);
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'tool.failed' } });
    // The journal row holds the cut message, the event the whole one, redacted.
    expect(stored).toContain('more characters]');
    expect(stored).toContain(`[REDACTED:${environmentName}]`);
    expect(stored).not.toContain(shortestFragment);
  });

  it('keeps no part of a secret the 200-character quote of a thrown object would split', async () => {
    const audit = defineTool({
      name: 'audit',
      description: 'Throws what its upstream answered.',
      input: z.object({}),
      output: z.string(),
      effect: 'pure',
      execute: async () => {
        // Its JSON's 200-character quote ends 39 characters into the secret.
        throw {
          status: 401,
          body: `${'x'.repeat(200 - 39 - '{"status":401,"body":"'.length)}${secret}`,
        };
      },
    });
    const machine = setup({ actors: { call: toolCall(audit) } }).createMachine({
      id: 'audit',
      initial: 'calling',
      states: {
        calling: { invoke: { src: 'call', input: {}, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const { outcome, stored } = await storedAfter(machine);
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'tool.failed' } });
    expect(stored).toContain('it threw {\\"status\\":401');
    expect(stored).not.toContain(shortestFragment);
  });

  it.each([20, 39])(
    "keeps no part of a secret the preview of a toolCall's oversized output would keep %i characters of",
    async (kept) => {
      const dump = defineTool({
        name: 'dump',
        description: 'Returns too much.',
        input: z.object({}),
        output: z.string(),
        effect: 'pure',
        // The output's JSON starts with a quote.
        execute: async () =>
          `${'y'.repeat(previewCharacters - kept - 1)}${secret}${'z'.repeat(maxBytes)}`,
      });
      const machine = setup({ actors: { call: toolCall(dump) } }).createMachine({
        id: 'dump',
        initial: 'calling',
        states: {
          calling: { invoke: { src: 'call', input: {}, onDone: 'done' } },
          done: { type: 'final' },
        },
      });
      const { outcome, stored } = await storedAfter(machine);
      expect(outcome).toMatchObject({ status: 'failed', error: { code: 'tool.output_too_large' } });
      expect(stored).toContain('"preview":"\\"yyy');
      expect(stored).not.toContain(shortestFragment);
    },
  );

  it.each([20, 39])(
    "keeps no part of a secret the preview of an approval wait's oversized arguments would keep %i characters of",
    async (kept) => {
      const send = defineTool({
        name: 'send_email',
        description: 'Sends an email.',
        input: z.object({ body: z.string() }),
        output: z.string(),
        effect: 'unsafe',
        approval: 'always',
        execute: async () => 'sent',
      });
      // A model padding its arguments so the preview ends 39 characters into the key.
      const body = `${'w'.repeat(previewCharacters - '{"body":"'.length - kept)}${secret}${'v'.repeat(maxBytes)}`;
      const model = scriptedModel({
        responses: [{ toolCalls: [{ name: 'send_email', arguments: { body } }] }, 'Not sent.'],
      });
      const machine = setup({
        actors: { loop: toolLoop({ model: 'm', tools: [send], prompt: () => 'Mail the report.' }) },
      }).createMachine({
        id: 'mail',
        initial: 'looping',
        states: {
          looping: { invoke: { src: 'loop', onDone: 'done', onError: 'done' } },
          done: { type: 'final' },
        },
      });
      const { outcome, stored } = await storedAfter(
        machine,
        { m: model },
        {
          approved: false,
          reason: 'no',
        },
      );
      expect(outcome.status).toBe('done');
      expect(stored).toContain('"preview":"{\\"body\\":\\"www');
      expect(stored).not.toContain(shortestFragment);
    },
  );

  it("keeps no part of a secret keep-head-and-tail's cut of a message would split", async () => {
    // Any cut of it falls inside a copy of the key, or between two.
    const input = Array.from({ length: 1_000 }, () => secret).join(' ');
    const model = scriptedModel({
      metadata: { contextWindow: 4_096, maxOutputTokens: 512 },
      responses: ['Done.'],
    });
    const machine = setup({
      actors: { loop: toolLoop({ model: 'm', tools: [], prompt: () => input }) },
    }).createMachine({
      id: 'long',
      initial: 'looping',
      states: {
        looping: { invoke: { src: 'loop', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const { outcome, stored } = await storedAfter(machine, { m: model }, undefined, {
      strategies: ['keep-head-and-tail'],
    });
    expect(outcome.status).toBe('done');
    const sent = model.requests[0]!.messages.at(-1)!.content;
    expect(sent).toContain('cut here to fit the context window');
    expect(stored).toContain('cut here to fit the context window');
    expect(stored).not.toContain(shortestFragment);
    expect(stored).not.toContain(shortestEnd);
  });
});
