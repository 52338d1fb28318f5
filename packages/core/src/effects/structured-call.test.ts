import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import { createResponseCache } from '../cache/create-response-cache';
import { effectMachine, runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { structuredCall } from './structured-call';

const rating = z.object({
  score: z.number().int().min(0).max(10),
  risks: z.array(z.string()).min(1),
});
const call = (maxReasks?: number) =>
  structuredCall({
    model: 'm',
    schema: rating,
    prompt: (text: string) => `Rate: ${text}`,
    ...(maxReasks === undefined ? {} : { maxReasks }),
  });

describe('structuredCall', () => {
  it('extracts JSON from a chatty fenced answer', async () => {
    const model = scriptedModel({
      responses: [
        'Sure! Here you go:\n```json\n{"score": 8, "risks": ["timeline"]}\n```\nAnything else?',
      ],
    });
    const { output } = await runEffect(call(), 'bid', { models: { m: model } });
    expect(output).toEqual({ score: 8, risks: ['timeline'] });
  });

  it('finds the answer in chatty text that holds other brackets before it, without a re-ask', async () => {
    const model = scriptedModel({
      responses: [
        'From the tender [1] and {the notes}, my rating: {"score": 6, "risks": ["scope"]}',
      ],
    });
    const { output } = await runEffect(call(), 'bid', { models: { m: model } });
    // Before: the first bracketed span, `[1]`, was taken as the answer and re-asked about.
    expect(output).toEqual({ score: 6, risks: ['scope'] });
    expect(model.requests).toHaveLength(1);
  });

  it('re-asks with the zod issues and accepts a corrected answer', async () => {
    const model = scriptedModel({
      responses: [{ json: { score: 11, risks: [] } }, { json: { score: 7, risks: ['budget'] } }],
    });
    const { output } = await runEffect(call(), 'bid', { models: { m: model } });
    expect(output).toEqual({ score: 7, risks: ['budget'] });
    const reask = model.requests[1]?.messages.at(-1);
    expect(reask?.role).toBe('user');
    expect(reask?.content).toContain('score');
    expect(reask?.content).toContain('risks');
  });

  it("names the model call whose answer it re-asks about, as that call's events do", async () => {
    const model = scriptedModel({
      responses: [{ json: { score: 11, risks: [] } }, { json: { score: 7, risks: ['budget'] } }],
    });
    const agent = createAgent({ machine: effectMachine(call(), 'bid'), models: { m: model } });
    const events: { type: string; callId: string }[] = [];
    agent.events.on('llm.call.end', (event) => events.push(event));
    agent.events.on('llm.call.reask', (event) => events.push(event));
    expect((await agent.run({ input: undefined })).status).toBe('done');
    // Before: the reask carried the effect's key (`…#0`), which no llm.call event carries.
    expect(events.map(({ type, callId }) => `${type} ${callId}`)).toEqual([
      'llm.call.end 0.effect-under-test.running#0/0:llm',
      'llm.call.reask 0.effect-under-test.running#0/0:llm',
      'llm.call.end 0.effect-under-test.running#0/1:llm',
    ]);
  });

  it('re-asks about an answer with thousands of issues in a message that stays short', async () => {
    // Before: one line per issue, so 3,000 wrong items made a re-ask about 15 times the size
    // of the answer, which fails the call with budget.exceeded on an ordinary window.
    const numbers = structuredCall({
      model: 'm',
      schema: z.object({ items: z.array(z.number()) }),
      prompt: () => 'Numbers.',
    });
    const model = scriptedModel({
      responses: [
        { json: { items: Array.from({ length: 3000 }, () => 'x') } },
        { json: { items: [1] } },
      ],
    });
    const agent = createAgent({ machine: effectMachine(numbers, undefined), models: { m: model } });
    const reasons: string[] = [];
    agent.events.on('llm.call.reask', (event) => reasons.push(event.reason));
    const outcome = await agent.run({ input: undefined });
    expect(outcome).toMatchObject({ status: 'done', output: { result: { items: [1] } } });
    const reask = model.requests[1]?.messages.at(-1)?.content ?? '';
    expect(reask).toContain('- items.0: Invalid input: expected number, received string');
    expect(reask).toContain('2980 more');
    expect(reask.length).toBeLessThan(2000);
    expect(reasons[0]?.length).toBeLessThan(2000);
  });

  it('fails after thousands of issues with a short message, every issue kept in issues', async () => {
    const numbers = structuredCall({
      model: 'm',
      schema: z.object({ items: z.array(z.number()) }),
      prompt: () => 'Numbers.',
      maxReasks: 0,
    });
    const model = scriptedModel({
      responses: [{ json: { items: Array.from({ length: 3000 }, () => 'x') } }],
    });
    const { error } = await runEffect(numbers, undefined, { models: { m: model } });
    expect(error.code).toBe('output.invalid');
    expect(error.issues).toHaveLength(3000);
    expect(error.message.length).toBeLessThan(2000);
    expect(error.message).toContain('2980 more');
  });

  it('fails with output.invalid and the zod issues after the last re-ask', async () => {
    const model = scriptedModel({ handler: () => ({ json: { score: 'high' } }) });
    const { error } = await runEffect(call(1), 'bid', { models: { m: model } });
    expect(model.requests).toHaveLength(2);
    expect(error.code).toBe('output.invalid');
    expect(error.issues.map((issue: { path: string[] }) => issue.path[0])).toEqual([
      'score',
      'risks',
    ]);
  });

  it('fails with output.invalid, not budget.exceeded, when the re-ask would not fit the window', async () => {
    // A small local model: its answer, within the call's output cap, fails the schema, and
    // the re-ask (the prompt, that answer and the issues, with the output cap kept free) is
    // more than its window holds.
    const model = scriptedModel({
      metadata: { contextWindow: 1_000, pricing: { inputPerMillion: 0, outputPerMillion: 0 } },
      handler: () => ({ json: { score: 11, risks: ['x'.repeat(2_000)] } }),
    });
    const effect = structuredCall({
      model: 'm',
      schema: rating,
      prompt: (text: string) => `Rate: ${text}`,
      maxOutputTokens: 500,
    });
    const { error } = await runEffect(effect, 'bid', { models: { m: model } });
    expect(model.requests).toHaveLength(1);
    // Before: budget.exceeded, telling the user to shorten a history they never gave.
    expect(error.code).toBe('output.invalid');
    expect(error.issues.map((issue: { path: string[] }) => issue.path[0])).toEqual(['score']);
    expect(error.message).toContain('score');
    expect(error.message).toContain('re-ask');
    expect(error.cause.code).toBe('budget.exceeded');
  });

  it('treats a refusal as output.refused, not a parse error, and does not re-ask', async () => {
    const model = scriptedModel({
      responses: [{ refusal: 'I cannot help with that.', finishReason: 'refusal' }],
    });
    const { error } = await runEffect(call(), 'bid', { models: { m: model } });
    expect(error.code).toBe('output.refused');
    expect(model.requests).toHaveLength(1);
  });

  it('treats finish_reason=length as output.truncated', async () => {
    const model = scriptedModel({
      responses: [{ content: '{"score": 8, "ri', finishReason: 'length' }],
    });
    const { error } = await runEffect(call(), 'bid', { models: { m: model } });
    expect(error.code).toBe('output.truncated');
    expect(model.requests).toHaveLength(1);
  });

  it('fails a filtered answer with output.filtered, without re-asking', async () => {
    const model = scriptedModel({
      handler: () => ({ content: '', finishReason: 'content_filter' }),
    });
    const { error } = await runEffect(call(), 'bid', { models: { m: model } });
    expect(error.code).toBe('output.filtered');
    expect(model.requests).toHaveLength(1);
  });

  it('describes a pipe by what the parse accepts, so a model that follows the schema passes (issue 9)', async () => {
    // The model writes the value that is parsed: a string here, turned into a number after.
    const schema = z.object({ amount: z.string().pipe(z.coerce.number()) });
    // A model held to the schema it is sent (as strict structured output holds it).
    const model = scriptedModel({
      handler: (request) => {
        const sent = JSON.stringify(request.responseFormat);
        return { json: { amount: sent.includes('"amount":{"type":"string"}') ? '12.5' : 12.5 } };
      },
    });
    const { output, error } = await runEffect(
      structuredCall({ model: 'm', schema, prompt: () => 'How much?' }),
      undefined,
      { models: { m: model } },
    );
    expect(error).toBeUndefined();
    expect(output).toEqual({ amount: 12.5 });
  });

  it('takes a schema with transforms and defaults, sending what the model writes (issue 9)', async () => {
    const schema = z.object({
      name: z.string().transform((name) => name.trim()),
      tags: z.array(z.string()).default([]),
      note: z.string().optional(),
      nested: z.object({ level: z.enum(['low', 'high']) }),
    });
    const model = scriptedModel({
      responses: [{ json: { name: ' Ana ', tags: ['x'], nested: { level: 'low' } } }],
    });
    const { output } = await runEffect(
      structuredCall({ model: 'm', schema, prompt: () => 'Who?' }),
      undefined,
      { models: { m: model } },
    );
    expect(output).toEqual({ name: 'Ana', tags: ['x'], nested: { level: 'low' } });
    expect(model.requests[0]?.responseFormat).toMatchObject({
      schema: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          tags: { type: 'array', default: [] },
          // Strict modes have no optional keys: the optional one is asked for as nullable.
          note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        },
        // A key with a default is filled by the model.
        required: ['name', 'tags', 'note', 'nested'],
        additionalProperties: false,
      },
    });
    expect(model.requests[0]?.responseFormat).toMatchObject({
      schema: { properties: { nested: { additionalProperties: false, required: ['level'] } } },
    });
  });

  it('does not cache an answer that failed the schema, so the next run asks the model again (issue 9)', async () => {
    const cache = createResponseCache();
    const model = scriptedModel({
      responses: ['no JSON here', { json: { score: 7, risks: ['scope'] } }],
    });
    const first = await runEffect(call(0), 'bid', { models: { m: model }, cache });
    expect(first.error?.code).toBe('output.invalid');
    const second = await runEffect(call(0), 'bid', { models: { m: model }, cache });
    expect(second.output).toEqual({ score: 7, risks: ['scope'] });
    expect(model.requests).toHaveLength(2);
    // The valid answer is kept: a third run is served from the cache.
    const third = await runEffect(call(0), 'bid', { models: { m: model }, cache });
    expect(third.output).toEqual({ score: 7, risks: ['scope'] });
    expect(model.requests).toHaveLength(2);
  });

  it('refuses a schema name providers reject, at definition (issue 9)', () => {
    expect(() =>
      structuredCall({ model: 'm', schema: rating, prompt: () => 'x', schemaName: 'bid rating' }),
    ).toThrow(/structuredCall: schemaName is the string "bid rating"; providers take 1 to 64/);
    expect(() =>
      structuredCall({ model: 'm', schema: rating, prompt: () => 'x', schemaName: 'bid_rating-2' }),
    ).not.toThrow();
  });
});

describe('structuredCall with an answer nested thousands of levels deep', () => {
  it.each([2_000, 5_000, 20_000])(
    're-asks an answer nested %i levels deep as invalid, rather than failing the run',
    async (depth) => {
      const stores = tempStores();
      const model = scriptedModel({
        responses: [`{"notes":${'['.repeat(depth)}${']'.repeat(depth)}}`, '{"notes":["flat"]}'],
      });
      const loose = structuredCall({
        model: 'm',
        schema: z.object({ notes: z.unknown() }),
        prompt: (text: string) => `Notes on: ${text}`,
      });
      // Before: z.unknown() took it, and the run failed as its checkpoint was written.
      const { output, outcome } = await runEffect(loose, 'bid', {
        models: { m: model },
        checkpointer: stores.open(),
      });
      expect(outcome).toMatchObject({ status: 'done' });
      expect(output).toEqual({ notes: ['flat'] });
      expect(model.requests[1]?.messages.at(-1)?.content).toContain('more than 256 levels deep');
      stores.cleanup();
    },
  );
});
