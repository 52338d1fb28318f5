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

const skus = (count: number) =>
  Array.from({ length: count }, (_, index) => `SKU-${index}`) as [string, ...string[]];

/** An object `levels` objects deep, counting itself: `{ child: { child: … { leaf } } }`. */
function nested(levels: number): z.ZodObject {
  let schema: z.ZodObject = z.object({ leaf: z.string() });
  for (let level = 1; level < levels; level++) schema = z.object({ child: schema });
  return schema;
}

function nestedAnswer(levels: number): object {
  let answer: object = { leaf: 'x' };
  for (let level = 1; level < levels; level++) answer = { child: answer };
  return answer;
}

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

  it('sends an optional key with a transform as nullable, and gives the transform the absent key for null', async () => {
    // Before: `.optional().transform(…)` was sent required and not nullable, so strict mode
    // made the model invent a middle name the schema said may be absent.
    const person = z.object({
      name: z.string(),
      middleName: z
        .string()
        .optional()
        .transform((value) => value ?? 'none'),
    });
    server.enqueue(replies.json({ name: 'Ada', middleName: null }));
    const model = openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL });
    const { output, error } = await runEffect(
      structuredCall({ model: 'fast', schema: person, prompt: () => 'Who?' }),
      undefined,
      { models: { fast: model }, modelPolicy: singleAttemptPolicy },
    );
    expect(error).toBeUndefined();
    expect(output).toEqual({ name: 'Ada', middleName: 'none' });
    expect(server.requests).toHaveLength(1);
    const format = server.requests[0]?.body?.response_format;
    expect(format?.type === 'json_schema' && format.json_schema).toMatchObject({
      strict: true,
      schema: {
        properties: { middleName: orNull({ type: 'string' }) },
        required: ['name', 'middleName'],
      },
    });
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
  // OpenAI's strict mode answers a schema past its size limits with a 400 ("6 levels of nesting
  // exceeds limit of 5"; the limits are 10 levels, 5,000 properties, 1,000 enum values and
  // 120,000 characters of names and values): every call failed, where the schema sent without
  // strict mode guides the model and the harness still validates its answer.
  it.each([
    ['an enum of 1,001 values', z.object({ sku: z.enum(skus(1001)) }), { sku: 'SKU-1' }],
    ['objects nested 11 levels deep', nested(11), nestedAnswer(11)],
  ])(
    'sends a schema with %s without strict mode, which would refuse it',
    async (_label, schema, answer) => {
      server.enqueue(replies.json(answer));
      const model = openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL });
      const { output, error } = await runEffect(
        structuredCall({ model: 'fast', schema, prompt: () => 'Fill it.' }),
        undefined,
        { models: { fast: model }, modelPolicy: singleAttemptPolicy },
      );
      expect(error).toBeUndefined();
      expect(output).toEqual(answer);
      const format = server.requests[0]?.body?.response_format;
      expect(format?.type === 'json_schema' && format.json_schema.strict).toBe(false);
    },
  );

  it('keeps strict mode for an enum of 1,000 values and objects nested 10 levels deep', async () => {
    const schema = z.object({ sku: z.enum(skus(1000)), tree: nested(9) });
    server.enqueue(replies.json({ sku: 'SKU-1', tree: nestedAnswer(9) }));
    const model = openAIChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-test', baseURL });
    await runEffect(
      structuredCall({ model: 'fast', schema, prompt: () => 'Fill it.' }),
      undefined,
      { models: { fast: model }, modelPolicy: singleAttemptPolicy },
    );
    const format = server.requests[0]?.body?.response_format;
    expect(format?.type === 'json_schema' && format.json_schema.strict).toBe(true);
  });
});
