import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import { estimateTokenCounter } from '../budget/create-token-counter';
import { createResponseCache } from '../cache/create-response-cache';
import { fenceUntrusted } from '../security/fence-untrusted';
import { effectMachine, runEffect } from '../testing/run-effect';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';
import { type ToolLoopResult, toolLoop } from './tool-loop';

/** A price for the test models given a window of their own (which drops the default price): free, so their calls are priced — at $0 — and no `model.unknown_price` is warned. */
const free = { inputPerMillion: 0, outputPerMillion: 0 };

function tools() {
  const executed: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks up a city population.',
    input: z.object({ city: z.string() }),
    output: z.object({ population: z.number() }),
    effect: 'pure',
    execute: async ({ city }) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      executed.push(city);
      return { population: city.length * 1000 };
    },
  });
  const failing = defineTool({
    name: 'failing',
    description: 'Always fails.',
    input: z.object({}),
    output: z.object({}),
    effect: 'pure',
    execute: async () => {
      throw new Error('backend down');
    },
  });
  return { lookup, failing, executed, maxInFlight: () => maxInFlight };
}

const loop = (
  t: ReturnType<typeof tools>,
  options: { maxSteps?: number; onToolError?: 'report' | 'fail' } = {},
) => toolLoop({ model: 'm', tools: [t.lookup, t.failing], prompt: (q: string) => q, ...options });

describe('toolLoop', () => {
  it('runs independent tool calls in parallel and returns the final answer', async () => {
    const t = tools();
    const model = scriptedModel({
      responses: [
        {
          toolCalls: [
            { name: 'lookup', arguments: { city: 'Oslo' } },
            { name: 'lookup', arguments: { city: 'Lima' } },
          ],
        },
        'Oslo and Lima have 4000 people each.',
      ],
    });
    const { output } = await runEffect(loop(t), 'populations?', { models: { m: model } });
    expect(output).toMatchObject({
      content: 'Oslo and Lima have 4000 people each.',
      steps: 2,
      toolCalls: 2,
    });
    expect(t.executed.sort()).toEqual(['Lima', 'Oslo']);
    expect(t.maxInFlight()).toBe(2);
    // The model reads tool output fenced as untrusted data; the loop keeps it as it was.
    const toolMessages = model.requests[1]?.messages.filter((m) => m.role === 'tool');
    const fenced = fenceUntrusted('{"population":4000}', 'tool "lookup"');
    expect(toolMessages?.map((m) => m.content)).toEqual([fenced, fenced]);
    expect(
      (output as ToolLoopResult).messages.filter((m) => m.role === 'tool').map((m) => m.content),
    ).toEqual(['{"population":4000}', '{"population":4000}']);
  });

  it('answers two calls the model gave one id under two ids, so the next request is valid', async () => {
    const t = tools();
    const model = scriptedModel({
      responses: [
        {
          toolCalls: [
            { id: 'call_0', name: 'lookup', arguments: { city: 'Oslo' } },
            { id: 'call_0', name: 'lookup', arguments: { city: 'Lima' } },
          ],
        },
        'Both have 4000 people.',
      ],
    });
    const { output } = await runEffect(loop(t), 'populations?', { models: { m: model } });
    expect(output).toMatchObject({ content: 'Both have 4000 people.', toolCalls: 2 });
    const sent = model.requests[1]?.messages ?? [];
    const asked = sent.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []) : []));
    const answered = sent.flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : []));
    expect(asked.map((each) => each.id)).toEqual(['call_0', 'call_0_2']);
    expect(answered).toEqual(['call_0', 'call_0_2']);
  });

  it('gives the retry of an idempotent call that timed out the same idempotency key', async () => {
    const keys: string[] = [];
    const charge = defineTool({
      name: 'charge',
      description: 'Charges a card; the idempotency key drops a repeat.',
      input: z.object({ cents: z.number() }),
      output: z.object({ ok: z.boolean() }),
      effect: 'idempotent',
      timeoutMs: 20,
      execute: async (_input, { idempotencyKey, signal }) => {
        keys.push(idempotencyKey);
        // The first attempt hangs (the provider is slow, it may still charge); the retry answers.
        if (keys.length === 1)
          await new Promise((resolve) => signal.addEventListener('abort', resolve));
        return { ok: true };
      },
    });
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'charge', arguments: { cents: 500 } }] },
        { toolCalls: [{ name: 'charge', arguments: { cents: 500 } }] },
        { toolCalls: [{ name: 'charge', arguments: { cents: 700 } }] },
        'Charged.',
      ],
    });
    const charging = toolLoop({ model: 'm', tools: [charge], prompt: (q: string) => q });
    const { output } = await runEffect(charging, 'charge it', { models: { m: model } });
    expect(output).toMatchObject({ content: 'Charged.' });
    expect(keys).toHaveLength(3);
    // The retry of the timed-out call reaches the outside system under the first call's key;
    // another call (other arguments) has a key of its own.
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('gives calls whose arguments JSON cannot tell apart (a Map) keys of their own', async () => {
    // Both calls' arguments were written `{"lines":{}}`: the second, another order, reached the
    // outside system under the timed-out first one's key, which drops it as a repeat.
    const keys: string[] = [];
    const order = defineTool({
      name: 'order',
      description: 'Orders lines of goods; the idempotency key drops a repeat.',
      input: z.object({
        lines: z.array(z.tuple([z.string(), z.number()])).transform((lines) => new Map(lines)),
      }),
      output: z.object({ ok: z.boolean() }),
      effect: 'idempotent',
      timeoutMs: 20,
      execute: async (_input, { idempotencyKey, signal }) => {
        keys.push(idempotencyKey);
        if (keys.length === 1)
          await new Promise((resolve) => signal.addEventListener('abort', resolve));
        return { ok: true };
      },
    });
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'order', arguments: { lines: [['apples', 3]] } }] },
        { toolCalls: [{ name: 'order', arguments: { lines: [['pears', 9]] } }] },
        'Ordered.',
      ],
    });
    const ordering = toolLoop({ model: 'm', tools: [order], prompt: (q: string) => q });
    const { output } = await runEffect(ordering, 'order it', { models: { m: model } });
    expect(output).toMatchObject({ content: 'Ordered.' });
    expect(keys).toHaveLength(2);
    expect(keys[1]).not.toBe(keys[0]);
  });

  it('does not take calls whose arguments JSON cannot tell apart for a repeated call', async () => {
    const order = defineTool({
      name: 'order',
      description: 'Orders lines of goods.',
      input: z.object({
        lines: z.array(z.tuple([z.string(), z.number()])).transform((lines) => new Map(lines)),
      }),
      output: z.object({ ok: z.boolean() }),
      effect: 'pure',
      execute: async () => ({ ok: true }),
    });
    const call = (fruit: string) => ({
      toolCalls: [{ name: 'order', arguments: { lines: [[fruit, 1]] } }],
    });
    const model = scriptedModel({
      responses: [call('apples'), call('pears'), call('plums'), 'Ordered.'],
    });
    const ordering = toolLoop({ model: 'm', tools: [order], prompt: (q: string) => q });
    // Before: three different orders, each written `{"lines":{}}`, ended in loop.repeated_call.
    const { output } = await runEffect(ordering, 'order it', { models: { m: model } });
    expect(output).toMatchObject({ content: 'Ordered.', toolCalls: 3 });
  });

  it('sends invalid arguments back with the issues and never executes them', async () => {
    const t = tools();
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'lookup', arguments: '{"town": "Oslo"' }] },
        { toolCalls: [{ name: 'lookup', arguments: { town: 'Oslo' } }] },
        { toolCalls: [{ name: 'lookup', arguments: { city: 'Oslo' } }] },
        'done',
      ],
    });
    const { output } = await runEffect(loop(t), 'q', { models: { m: model } });
    expect(output).toMatchObject({ content: 'done', toolCalls: 1 });
    expect(t.executed).toEqual(['Oslo']);
    expect(model.requests[1]?.messages.at(-1)?.content).toContain('not valid JSON');
    expect(model.requests[2]?.messages.at(-1)?.content).toContain('city');
  });

  it('reads null for an optional argument that takes no null as the argument left out, and keeps null where the schema takes it', async () => {
    const calls: unknown[] = [];
    const search = defineTool({
      name: 'search',
      description: 'Searches the catalogue.',
      input: z.object({
        query: z.string(),
        limit: z.number().optional(),
        filters: z.object({ maker: z.string().optional() }).optional(),
        cursor: z.string().nullish(),
      }),
      output: z.object({ hits: z.number() }),
      effect: 'pure',
      execute: async (input) => {
        calls.push(input);
        return { hits: 1 };
      },
    });
    const model = scriptedModel({
      responses: [
        {
          toolCalls: [
            {
              name: 'search',
              arguments: { query: 'pumps', limit: null, filters: { maker: null }, cursor: null },
            },
          ],
        },
        // A null where the key is required stays an error the model hears of.
        { toolCalls: [{ name: 'search', arguments: { query: null } }] },
        'done',
      ],
    });
    const { output } = await runEffect(
      toolLoop({ model: 'm', tools: [search], prompt: (q: string) => q }),
      'q',
      { models: { m: model } },
    );
    expect(output).toMatchObject({ content: 'done', toolCalls: 1 });
    expect(calls).toEqual([{ query: 'pumps', filters: {}, cursor: null }]);
    expect(model.requests[2]?.messages.at(-1)?.content).toContain(
      'query: Invalid input: expected string, received null',
    );
  });

  it('sends arguments with thousands of issues back in a short message', async () => {
    // Before: one entry per issue, so 3,000 wrong items made the tool message about 15 times
    // the size of the arguments, which fails the next call with budget.exceeded.
    const executed: number[][] = [];
    const sum = defineTool({
      name: 'sum',
      description: 'Sums numbers.',
      input: z.object({ items: z.array(z.number()) }),
      output: z.object({ sum: z.number() }),
      effect: 'pure',
      execute: async ({ items }) => {
        executed.push(items);
        return { sum: items.reduce((total, item) => total + item, 0) };
      },
    });
    const model = scriptedModel({
      responses: [
        {
          toolCalls: [
            { name: 'sum', arguments: { items: Array.from({ length: 3000 }, () => 'x') } },
          ],
        },
        { toolCalls: [{ name: 'sum', arguments: { items: [1, 2] } }] },
        'done',
      ],
    });
    const { output } = await runEffect(
      toolLoop({ model: 'm', tools: [sum], prompt: () => 'Sum.' }),
      undefined,
      { models: { m: model } },
    );
    expect(output).toMatchObject({ content: 'done', toolCalls: 1 });
    expect(executed).toEqual([[1, 2]]);
    const sent = model.requests[1]?.messages.at(-1)?.content ?? '';
    expect(sent).toContain('items.0: Invalid input: expected number, received string');
    expect(sent).toContain('2980 more');
    expect(sent.length).toBeLessThan(2500);
  });

  it("names an invalid call by an id in the journal-key space, keeping the model's own apart", async () => {
    const t = tools();
    const model = scriptedModel({
      responses: [
        {
          toolCalls: [
            { name: 'nope', arguments: {} },
            { name: 'lookup', arguments: { city: 'Oslo' } },
            { name: 'nope', arguments: {} },
          ],
        },
        'done',
      ],
    });
    const agent = createAgent({ machine: effectMachine(loop(t), 'go'), models: { m: model } });
    const events: { type: string; callId: string; toolCallId?: string }[] = [];
    agent.events.on('tool.call.invalid', (event) => events.push(event));
    agent.events.on('tool.call.start', (event) => events.push(event));
    expect((await agent.run({ input: undefined })).status).toBe('done');
    const [start] = events.filter((event) => event.type === 'tool.call.start');
    const invalid = events.filter((event) => event.type === 'tool.call.invalid');
    // Before: the model's `call_0_0`, which no other event and no run-log row carries.
    expect(start?.callId).toBe('0.effect-under-test.running#0/1:tool:lookup');
    expect(invalid.map((event) => event.callId)).toEqual([
      '0.effect-under-test.running#0/1:invalid:0:tool:nope',
      '0.effect-under-test.running#0/1:invalid:2:tool:nope',
    ]);
    expect(invalid.map((event) => event.toolCallId)).toEqual(['call_0_0', 'call_0_2']);
  });

  it('fails with tool.invalid_arguments when invalid calls exceed the bound', async () => {
    const t = tools();
    const model = scriptedModel({
      handler: () => ({ toolCalls: [{ name: 'nope', arguments: {} }] }),
    });
    const { error } = await runEffect(loop(t), 'q', { models: { m: model } });
    expect(error.code).toBe('tool.invalid_arguments');
    expect(model.requests).toHaveLength(4);
    expect(t.executed).toEqual([]);
  });

  it('stops a loop that repeats the same call', async () => {
    const t = tools();
    const model = scriptedModel({
      handler: () => ({ toolCalls: [{ name: 'lookup', arguments: { city: 'Rome' } }] }),
    });
    const { error } = await runEffect(loop(t, { maxSteps: 20 }), 'q', { models: { m: model } });
    expect(error.code).toBe('loop.repeated_call');
    expect(t.executed).toEqual(['Rome', 'Rome']);
  });

  it('answers the same pure lookup asked three times in one answer, counting it once', async () => {
    // Before: the three copies counted as three repeats, and the loop failed with
    // loop.repeated_call (default 3) before any ran: redundancy, not a loop.
    const t = tools();
    const rome = { name: 'lookup', arguments: { city: 'Rome' } };
    const model = scriptedModel({ responses: [{ toolCalls: [rome, rome, rome] }, 'Rome: 4000.'] });
    const { output, error } = await runEffect(loop(t), 'q', { models: { m: model } });
    expect(error).toBeUndefined();
    expect(output).toMatchObject({ content: 'Rome: 4000.', toolCalls: 3 });
    // Each call id is answered.
    const answered = model.requests[1]?.messages.filter((message) => message.role === 'tool');
    expect(answered?.map((message) => message.toolCallId)).toEqual([
      'call_0_0',
      'call_0_1',
      'call_0_2',
    ]);
  });

  it('still stops the same call made in maxRepeats answers, however many copies each has', async () => {
    const t = tools();
    const rome = { name: 'lookup', arguments: { city: 'Rome' } };
    const model = scriptedModel({ handler: () => ({ toolCalls: [rome, rome] }) });
    const { error } = await runEffect(loop(t, { maxSteps: 20 }), 'q', { models: { m: model } });
    expect(error).toMatchObject({ code: 'loop.repeated_call', details: { count: 3 } });
    expect(model.requests).toHaveLength(3);
  });

  it('counts a call with its arguments in another key order as the same call', async () => {
    const executed: string[] = [];
    const distance = defineTool({
      name: 'distance',
      description: 'Distance between two cities.',
      input: z.object({ from: z.string(), to: z.string() }),
      output: z.object({ km: z.number() }),
      effect: 'pure',
      execute: async ({ from, to }) => {
        executed.push(`${from}-${to}`);
        return { km: 1 };
      },
    });
    let n = 0;
    const model = scriptedModel({
      handler: () => ({
        toolCalls: [
          {
            name: 'distance',
            arguments: n++ % 2 ? '{"to":"Lima","from":"Oslo"}' : '{"from":"Oslo","to":"Lima"}',
          },
        ],
      }),
    });
    const repeating = toolLoop({ model: 'm', tools: [distance], prompt: (q: string) => q });
    const { error } = await runEffect(repeating, 'q', { models: { m: model } });
    expect(error.code).toBe('loop.repeated_call');
    expect(executed).toEqual(['Oslo-Lima', 'Oslo-Lima']);
  });

  it('fails a filtered answer with output.filtered instead of returning its partial text', async () => {
    const t = tools();
    const model = scriptedModel({
      responses: [{ content: 'Here is how to', finishReason: 'content_filter' }],
    });
    const { output, error } = await runEffect(loop(t), 'q', { models: { m: model } });
    expect(output).toBeUndefined();
    expect(error.code).toBe('output.filtered');
  });

  it('fails an empty final answer with output.empty instead of returning "" (issue 9)', async () => {
    const t = tools();
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'lookup', arguments: { city: 'Oslo' } }] },
        { content: '  \n' },
      ],
    });
    const { output, error } = await runEffect(loop(t), 'q', { models: { m: model } });
    expect(output).toBeUndefined();
    expect(error.code).toBe('output.empty');
    expect(error.message).toContain('after 1 tool call(s)');
    expect(t.executed).toEqual(['Oslo']);
  });

  it('runs none of an answer that makes more tool calls than maxToolCallsPerAnswer (issue 9)', async () => {
    const t = tools();
    const burst = (count: number) =>
      Array.from({ length: count }, (_, index) => ({
        name: 'lookup',
        arguments: { city: `c${index}` },
      }));
    const model = scriptedModel({ responses: [{ toolCalls: burst(33) }] });
    const { error } = await runEffect(loop(t), 'q', { models: { m: model } });
    expect(error.code).toBe('loop.too_many_tool_calls');
    expect(error.message).toContain('33 tool calls in one answer (lookup)');
    expect(t.executed).toEqual([]);

    const raised = scriptedModel({ responses: [{ toolCalls: burst(40) }, { content: 'done' }] });
    const options = { model: 'm', tools: [t.lookup], prompt: (q: string) => q };
    const wide = toolLoop({ ...options, maxToolCallsPerAnswer: 40 });
    const { output } = await runEffect(wide, 'q', { models: { m: raised } });
    expect((output as ToolLoopResult).toolCalls).toBe(40);
    expect(() => toolLoop({ ...options, maxToolCallsPerAnswer: 0 })).toThrow(
      /toolLoop: maxToolCallsPerAnswer is 0/,
    );
  });

  it("caps a tool result at a quarter of a small model's window by default, so it fits (issue 9)", async () => {
    const page = defineTool({
      name: 'fetch_page',
      description: 'Fetches a page.',
      input: z.object({}),
      output: z.string(),
      effect: 'pure',
      execute: async () => 'lorem ipsum dolor sit amet '.repeat(1_200),
    });
    const small = (contextWindow: number) =>
      scriptedModel({
        metadata: { contextWindow, pricing: free },
        responses: [{ toolCalls: [{ name: 'fetch_page', arguments: {} }] }, { content: 'done' }],
      });
    const reader = toolLoop({ model: 'm', tools: [page], prompt: (q: string) => q });
    const local = small(8_192);
    const { output } = await runEffect(reader, 'q', { models: { m: local } });
    expect((output as ToolLoopResult).content).toBe('done');
    const sent = local.requests[1]!.messages.find((message) => message.role === 'tool')!;
    expect(sent.content).toContain('to stay within 2048 tokens');
    // A large window keeps the 8,000-token default: this result is sent whole.
    const hosted = small(128_000);
    await runEffect(reader, 'q', { models: { m: hosted } });
    const whole = hosted.requests[1]!.messages.find((message) => message.role === 'tool')!;
    expect(whole.content).not.toContain('truncated by agentchart');
  });

  it.each([
    // The window assumed for a model that names none; the default reserve of 4,096.
    { contextWindow: 8_192, calls: 1, maxOutputTokens: undefined },
    { contextWindow: 4_000, calls: 2, maxOutputTokens: 300 },
  ])(
    'keeps a loop going on a $contextWindow-token model after turns of large results ($calls calls each), never over the window',
    async ({ contextWindow, calls, maxOutputTokens }) => {
      // Two turns of results, each capped to fit alone, once failed the third call with
      // budget.exceeded: the planner kept both whole.
      const report = defineTool({
        name: 'fetch_doc',
        description: 'Fetches a document.',
        input: z.object({ id: z.string() }),
        output: z.string(),
        effect: 'pure',
        execute: async () => 'The quarterly report lists revenue and costs. '.repeat(3_000),
      });
      const main = scriptedModel({
        metadata: { contextWindow, pricing: free },
        handler: (_, index) =>
          index < 6
            ? {
                toolCalls: Array.from({ length: calls }, (_, call) => ({
                  name: 'fetch_doc',
                  arguments: { id: `${index}-${call}` },
                })),
              }
            : 'done',
      });
      const reader = toolLoop({
        model: 'm',
        tools: [report],
        prompt: (q: string) => q,
        ...(maxOutputTokens ? { maxOutputTokens } : {}),
      });
      const { output, error } = await runEffect(reader, 'Read the reports', {
        models: { m: main },
      });
      expect(error).toBeUndefined();
      expect((output as ToolLoopResult).content).toBe('done');
      expect(main.requests).toHaveLength(7);
      for (const request of main.requests) {
        const input = estimateTokenCounter.countRequest(request);
        expect(input + request.maxOutputTokens!).toBeLessThanOrEqual(contextWindow * 0.95);
        // The prompt stays, and so does the latest turn's every result, whole as capped.
        expect(request.messages.filter((message) => message.role === 'user')).toEqual([
          { role: 'user', content: 'Read the reports' },
        ]);
      }
      const last = main.requests[6]!.messages;
      const latest = last.slice(-calls);
      expect(latest.every((message) => message.role === 'tool')).toBe(true);
      expect(latest.every((message) => !message.content.includes('cut here'))).toBe(true);
    },
  );

  it("shares half a small model's window among one answer's results, so five pages at once still fit", async () => {
    const page = defineTool({
      name: 'page',
      description: 'Reads page i.',
      input: z.object({ i: z.number() }),
      output: z.string(),
      effect: 'pure',
      execute: async ({ i }) => `page ${i}: ${'lorem ipsum dolor sit amet '.repeat(2_000)}`,
    });
    const main = scriptedModel({
      metadata: { contextWindow: 16_000, pricing: free },
      handler: (_, index) =>
        index === 0
          ? { toolCalls: [0, 1, 2, 3, 4].map((i) => ({ name: 'page', arguments: { i } })) }
          : 'done',
    });
    const reader = toolLoop({ model: 'm', tools: [page], prompt: (q: string) => q });
    const { output, error } = await runEffect(reader, 'Read 5 pages', { models: { m: main } });
    expect(error).toBeUndefined();
    expect((output as ToolLoopResult).content).toBe('done');
    const results = main.requests[1]!.messages.filter((message) => message.role === 'tool');
    expect(results).toHaveLength(5);
    for (const result of results) expect(result.content).toContain('to stay within 1600 tokens');
    // Given explicitly, the cap holds for each result as it is.
    const given = scriptedModel({
      metadata: { contextWindow: 128_000, pricing: free },
      handler: (_, index) =>
        index === 0
          ? { toolCalls: [0, 1, 2].map((i) => ({ name: 'page', arguments: { i } })) }
          : 'done',
    });
    const capped = toolLoop({
      model: 'm',
      tools: [page],
      prompt: (q: string) => q,
      maxToolOutputTokens: 3_000,
    });
    await runEffect(capped, 'Read 3 pages', { models: { m: given } });
    const each = given.requests[1]!.messages.filter((message) => message.role === 'tool');
    for (const result of each) expect(result.content).toContain('to stay within 3000 tokens');
  });

  it("leaves a 4K model's results room beside the output it reserves by default, so two pages at once fit", async () => {
    const page = defineTool({
      name: 'page',
      description: 'Reads page i.',
      input: z.object({ i: z.number() }),
      output: z.string(),
      effect: 'pure',
      execute: async ({ i }) => `page ${i}: ${'lorem ipsum dolor sit amet '.repeat(2_000)}`,
    });
    for (const [contextWindow, pages] of [
      [4_000, 2],
      [4_000, 5],
      [2_000, 3],
    ] as const) {
      const main = scriptedModel({
        metadata: { contextWindow, pricing: free },
        handler: (_, index) =>
          index === 0
            ? {
                toolCalls: Array.from({ length: pages }, (_, i) => ({
                  name: 'page',
                  arguments: { i },
                })),
              }
            : 'done',
      });
      const reader = toolLoop({ model: 'm', tools: [page], prompt: (q: string) => q });
      const { output, error } = await runEffect(reader, 'Read the pages', { models: { m: main } });
      expect(error, `${pages} pages, window ${contextWindow}`).toBeUndefined();
      expect((output as ToolLoopResult).content).toBe('done');
    }
  });

  it('fails with loop.step_limit when the model never answers', async () => {
    const t = tools();
    let n = 0;
    const model = scriptedModel({
      handler: () => ({ toolCalls: [{ name: 'lookup', arguments: { city: `c${n++}` } }] }),
    });
    const { error } = await runEffect(loop(t, { maxSteps: 4 }), 'q', { models: { m: model } });
    expect(error.code).toBe('loop.step_limit');
    expect(model.requests).toHaveLength(4);
  });

  it('reports a tool error to the model, or fails the loop with onToolError: fail', async () => {
    const t = tools();
    const reported = scriptedModel({
      responses: [{ toolCalls: [{ name: 'failing', arguments: {} }] }, 'recovered'],
    });
    const { output } = await runEffect(loop(t), 'q', { models: { m: reported } });
    expect(output).toMatchObject({ content: 'recovered' });
    expect(reported.requests[1]?.messages.at(-1)?.content).toContain('backend down');

    const failing = scriptedModel({
      responses: [{ toolCalls: [{ name: 'failing', arguments: {} }] }],
    });
    const { error } = await runEffect(loop(t, { onToolError: 'fail' }), 'q', {
      models: { m: failing },
    });
    expect(error.code).toBe('tool.failed');
  });

  it('tells the model a tool returned what JSON cannot hold, not an internal TypeError', async () => {
    const odd = defineTool({
      name: 'odd',
      description: 'Returns a function.',
      input: z.object({}),
      output: z.any(),
      effect: 'pure',
      execute: async () => () => 1,
    });
    const model = scriptedModel({
      responses: [{ toolCalls: [{ name: 'odd', arguments: {} }] }, 'recovered'],
    });
    const logic = toolLoop({ model: 'm', tools: [odd], prompt: (q: string) => q });
    const { output } = await runEffect(logic, 'q', { models: { m: model } });
    expect(output).toMatchObject({ content: 'recovered' });
    const told = model.requests[1]?.messages.at(-1)?.content;
    expect(told).toContain('JSON cannot hold');
    expect(told).not.toContain('Cannot read properties');
  });

  it('fails the loop, not the model, when an unsafe tool ran and broke its output schema', async () => {
    let charges = 0;
    const charge = defineTool({
      name: 'charge',
      description: 'Charges a card.',
      input: z.object({ cents: z.number() }),
      output: z.object({ receipt: z.string() }),
      effect: 'unsafe',
      approval: 'never',
      execute: async () => {
        charges++;
        return { receipt: 42 } as never;
      },
    });
    const model = scriptedModel({
      handler: (_request, index) =>
        index < 3 ? { toolCalls: [{ name: 'charge', arguments: { cents: 100 } }] } : 'done',
    });
    const logic = toolLoop({ model: 'm', tools: [charge], prompt: (q: string) => q });
    const { error } = await runEffect(logic, 'charge one dollar', { models: { m: model } });
    expect(error.code).toBe('tool.invalid_output');
    expect(charges).toBe(1);
    expect(model.requests).toHaveLength(1);
  });

  it('fails the loop, not the model, when an unsafe tool ran and checking its output threw', async () => {
    // A transform that parses the API's body, a refine that throws, an asynchronous schema:
    // the check threw, not the tool. Reported as tool.failed, the model was told the
    // payment failed and made it again.
    const throwingSchemas = [
      z.object({ body: z.string() }).transform(({ body }) => JSON.parse(body) as unknown),
      z.object({ body: z.string() }).refine(() => {
        throw new Error('refine threw');
      }),
      z.object({ body: z.string() }).refine(async () => true),
    ];
    for (const output of throwingSchemas) {
      let charges = 0;
      const charge = defineTool({
        name: 'charge',
        description: 'Charges a card.',
        input: z.object({ cents: z.number() }),
        output,
        effect: 'unsafe',
        approval: 'never',
        execute: async () => {
          charges++;
          return { body: '<html>Bad gateway</html>' };
        },
      });
      const model = scriptedModel({
        handler: (_request, index) =>
          index < 3 ? { toolCalls: [{ name: 'charge', arguments: { cents: 100 } }] } : 'done',
      });
      const logic = toolLoop({ model: 'm', tools: [charge], prompt: (q: string) => q });
      const { error } = await runEffect(logic, 'charge one dollar', { models: { m: model } });
      expect(error).toMatchObject({
        code: 'tool.invalid_output',
        message: expect.stringMatching(/^Tool "charge" returned output that could not be checked/),
      });
      expect(charges).toBe(1);
      expect(model.requests).toHaveLength(1);
    }
  });

  it('tells the model the same failure on a replay as in the recorded run', async () => {
    const t = tools();
    const model = scriptedModel({
      responses: [{ toolCalls: [{ name: 'failing', arguments: {} }] }, 'It failed.'],
    });
    const agent = createAgent({ machine: effectMachine(loop(t), 'go'), models: { m: model } });
    expect((await agent.run({ threadId: 't', input: undefined })).status).toBe('done');
    expect(model.requests[1]?.messages.at(-1)?.content).toContain(
      'Tool \\"failing\\" failed: backend down',
    );
    // The journal holds the error the model was told about, so the replay's request is the same.
    expect((await agent.replay('t')).status).toBe('done');
  });

  it('rejects two tools with the same name at definition', () => {
    const t = tools();
    expect(() => toolLoop({ model: 'm', tools: [t.lookup, t.lookup], prompt: () => 'q' })).toThrow(
      /two tools are named "lookup"/,
    );
  });

  it('does not cache an answer whose tool calls are invalid, so the next run asks again (issue 9)', async () => {
    const cache = createResponseCache();
    const t = tools();
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'lookup', arguments: { town: 'Oslo' } }] },
        { toolCalls: [{ name: 'lookup', arguments: { city: 'Oslo' } }] },
        'Oslo has 4000 people.',
      ],
    });
    const strict = toolLoop({
      model: 'm',
      tools: [t.lookup],
      prompt: (q: string) => q,
      maxInvalidCalls: 0,
    });
    const first = await runEffect(strict, 'Oslo?', { models: { m: model }, cache });
    expect(first.error?.code).toBe('tool.invalid_arguments');
    const second = await runEffect(strict, 'Oslo?', { models: { m: model }, cache });
    expect(second.error).toBeUndefined();
    expect((second.output as ToolLoopResult).content).toBe('Oslo has 4000 people.');
    expect(model.requests).toHaveLength(3);
  });

  it('does not cache an empty answer or one with too many tool calls, so the next run asks again', async () => {
    const cache = createResponseCache();
    const t = tools();
    const model = scriptedModel({
      responses: [
        '',
        'Oslo has 4000 people.',
        {
          toolCalls: [
            { name: 'lookup', arguments: { city: 'Oslo' } },
            { name: 'lookup', arguments: { city: 'Lima' } },
          ],
        },
        'Lima has 4000 people.',
      ],
    });
    const answer = toolLoop({
      model: 'm',
      tools: [t.lookup],
      prompt: (q: string) => q,
      maxToolCallsPerAnswer: 1,
    });
    const empty = await runEffect(answer, 'Oslo?', { models: { m: model }, cache });
    expect(empty.error?.code).toBe('output.empty');
    const asked = await runEffect(answer, 'Oslo?', { models: { m: model }, cache });
    expect(asked.error).toBeUndefined();
    expect((asked.output as ToolLoopResult).content).toBe('Oslo has 4000 people.');

    const tooMany = await runEffect(answer, 'Lima?', { models: { m: model }, cache });
    expect(tooMany.error?.code).toBe('loop.too_many_tool_calls');
    const again = await runEffect(answer, 'Lima?', { models: { m: model }, cache });
    expect(again.error).toBeUndefined();
    expect((again.output as ToolLoopResult).content).toBe('Lima has 4000 people.');
    expect(model.requests).toHaveLength(4);
  });
});

describe('toolLoop with values nested thousands of levels deep', () => {
  const brackets = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it.each([2_000, 5_000])(
    'tells the model a tool output nested %i levels deep is too deep, and goes on',
    async (depth) => {
      const stores = tempStores();
      const fetchPage = defineTool({
        name: 'fetch_page',
        description: 'Returns what a web page says.',
        input: z.object({}),
        output: z.any(),
        effect: 'pure',
        execute: async () => JSON.parse(brackets(depth)),
      });
      const model = scriptedModel({
        responses: [
          { toolCalls: [{ name: 'fetch_page', arguments: {} }] },
          'The page was unusable.',
        ],
      });
      const loop = toolLoop({ model: 'm', tools: [fetchPage], prompt: (q: string) => q });
      const { output } = await runEffect(loop, 'read it', {
        models: { m: model },
        checkpointer: stores.open(),
      });
      // Before: 2,000 levels were sent to the model whole; 5,000 as a stack overflow.
      expect(model.requests[1]?.messages.at(-1)).toMatchObject({
        role: 'tool',
        content: expect.stringContaining('more than 256 levels deep'),
      });
      expect((output as ToolLoopResult).content).toBe('The page was unusable.');
      stores.cleanup();
    },
  );

  it('sends an unsafe tool whose output is too deep to the chart: it acted, and must not run again', async () => {
    const charge = defineTool({
      name: 'charge',
      description: 'Charges a card.',
      input: z.object({}),
      output: z.any(),
      effect: 'unsafe',
      approval: 'never',
      execute: async () => JSON.parse(brackets(2_000)),
    });
    const model = scriptedModel({
      responses: [{ toolCalls: [{ name: 'charge', arguments: {} }] }, 'Charged.'],
    });
    const loop = toolLoop({ model: 'm', tools: [charge], prompt: (q: string) => q });
    const { error } = await runEffect(loop, 'charge it', { models: { m: model } });
    expect(error?.code).toBe('tool.output_too_deep');
    expect(model.requests).toHaveLength(1);
  });

  it.each([2_000, 5_000, 20_000])(
    'answers tool arguments nested %i levels deep as invalid, without running the tool',
    async (depth) => {
      const stores = tempStores();
      const ran: unknown[] = [];
      const search = defineTool({
        name: 'search',
        description: 'Searches.',
        input: z.object({ query: z.unknown() }),
        output: z.string(),
        effect: 'pure',
        execute: async ({ query }) => {
          ran.push(query);
          return 'found';
        },
      });
      const model = scriptedModel({
        responses: [
          { toolCalls: [{ name: 'search', arguments: `{"query":${brackets(depth)}}` }] },
          { toolCalls: [{ name: 'search', arguments: { query: 'flat' } }] },
          'Done.',
        ],
      });
      const loop = toolLoop({ model: 'm', tools: [search], prompt: (q: string) => q });
      const { output, outcome } = await runEffect(loop, 'find it', {
        models: { m: model },
        checkpointer: stores.open(),
      });
      // Before: the tool ran with the deep query, which a loose schema let through.
      expect(outcome.status).toBe('done');
      expect(model.requests[1]?.messages.at(-1)).toMatchObject({
        role: 'tool',
        content: expect.stringContaining('more than 256 levels deep'),
      });
      expect(ran).toEqual(['flat']);
      expect((output as ToolLoopResult).content).toBe('Done.');
      stores.cleanup();
    },
  );
});
