import { structuredCall } from '@agentchart/core';
import { singleAttemptPolicy } from '@agentchart/core/reliability';
import { runEffect } from '@agentchart/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOpenAITestServer } from '../testing/openai-test-server';
import { replies } from '../testing/replies';
import { openAIChatModel } from './openai-chat-model';

const server = createOpenAITestServer({ apiKey: 'sk-test' });
let baseURL: string;

beforeAll(async () => {
  baseURL = await server.start();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const ticket = z.object({
  team: z.enum(['billing', 'support']),
  note: z.string().optional(),
  contacts: z.array(z.object({ name: z.string(), email: z.string().optional() })),
  reviewer: z.string().nullish(),
});

const orNull = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

async function triage(answer: unknown, streaming: boolean) {
  server.enqueue(replies.json(answer));
  const model = openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL, streaming });
  return runEffect(
    structuredCall({
      model: 'fast',
      schema: ticket,
      schemaName: 'ticket',
      prompt: () => 'Route it.',
    }),
    undefined,
    { models: { fast: model }, modelPolicy: singleAttemptPolicy },
  );
}

describe('structuredCall through openAIChatModel', () => {
  for (const streaming of [false, true]) {
    describe(streaming ? 'streaming' : 'not streaming', () => {
      it('keeps strict mode on for a schema with optional keys, sending them as required and nullable', async () => {
        await triage({ team: 'billing', note: 'x', contacts: [], reviewer: 'Bo' }, streaming);
        expect(server.requests).toHaveLength(1);
        expect(server.requests[0]?.body?.response_format).toEqual({
          type: 'json_schema',
          json_schema: {
            name: 'ticket',
            strict: true,
            schema: {
              type: 'object',
              properties: {
                team: { type: 'string', enum: ['billing', 'support'] },
                note: orNull({ type: 'string' }),
                contacts: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { name: { type: 'string' }, email: orNull({ type: 'string' }) },
                    required: ['name', 'email'],
                    additionalProperties: false,
                  },
                },
                reviewer: { type: ['string', 'null'] },
              },
              required: ['team', 'note', 'contacts', 'reviewer'],
              additionalProperties: false,
            },
          },
        });
      });

      it("reads the model's null for an optional key as the key absent, nested ones included", async () => {
        const { output, error } = await triage(
          { team: 'billing', note: null, contacts: [{ name: 'Ana', email: null }], reviewer: null },
          streaming,
        );
        expect(error).toBeUndefined();
        // A nullish key keeps its null: the schema takes null there as it is.
        expect(output).toEqual({ team: 'billing', contacts: [{ name: 'Ana' }], reviewer: null });
        expect(output).not.toHaveProperty('note');
        expect((output as { contacts: object[] }).contacts[0]).not.toHaveProperty('email');
        expect(server.requests).toHaveLength(1);
      });
    });
  }

  it('sends defaults, transforms and refinements strict, by what the model writes, and re-asks on a failed refinement', async () => {
    const order = z.object({
      sku: z.string().transform((text) => text.trim().toUpperCase()),
      quantity: z
        .number()
        .int()
        .refine((value) => value % 6 === 0, 'quantity comes in boxes of 6'),
      gift: z.boolean().default(false),
    });
    server.enqueue(
      replies.json({ sku: ' ab-1 ', quantity: 7, gift: false }),
      replies.json({ sku: ' ab-1 ', quantity: 12, gift: true }),
    );
    const model = openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL });
    const { output, error } = await runEffect(
      structuredCall({ model: 'fast', schema: order, schemaName: 'order', prompt: () => 'Order.' }),
      undefined,
      { models: { fast: model }, modelPolicy: singleAttemptPolicy },
    );
    expect(error).toBeUndefined();
    expect(output).toEqual({ sku: 'AB-1', quantity: 12, gift: true });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.body?.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'order',
        strict: true,
        schema: {
          type: 'object',
          properties: {
            sku: { type: 'string' },
            quantity: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
            gift: { type: 'boolean' },
          },
          required: ['sku', 'quantity', 'gift'],
          additionalProperties: false,
        },
      },
    });
    const reask = server.requests[1]?.body?.messages.at(-1);
    expect(String(reask?.content)).toContain('quantity: quantity comes in boxes of 6');
  });

  it('sends a schema with a key that takes any value without strict mode, which would refuse it', async () => {
    server.enqueue(replies.json({ kind: 'note', payload: { any: ['thing'] } }));
    const model = openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL });
    const { output } = await runEffect(
      structuredCall({
        model: 'fast',
        schema: z.object({ kind: z.string(), payload: z.unknown() }),
        prompt: () => 'Anything.',
      }),
      undefined,
      { models: { fast: model }, modelPolicy: singleAttemptPolicy },
    );
    expect(output).toEqual({ kind: 'note', payload: { any: ['thing'] } });
    const format = server.requests[0]?.body?.response_format;
    expect(format?.type === 'json_schema' && format.json_schema.strict).toBe(false);
  });
});
