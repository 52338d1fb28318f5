import { describe, expect, it, vi } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import { type Clock, systemClock } from '../clock/clock';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import { SqliteCheckpointer } from '../store/sqlite-checkpointer';
import { effectMachine, runEffect } from '../testing/run-effect';
import { defineTool } from '../tools/define-tool';
import { toolCall } from './tool-call';

describe('toolCall', () => {
  const pay = defineTool({
    name: 'pay',
    description: 'Pays.',
    input: z.object({ amount: z.number() }),
    output: z.object({ receipt: z.string() }),
    effect: 'unsafe',
    execute: async () => ({ receipt: 'r' }),
  });

  // What ToolOptions.timeoutMs says: an unsafe call that timed out may have acted, so it is
  // tool.timeout only when its reconcile says it never ran.
  it('fails an unsafe tool that timed out as ambiguous unless its reconcile clears it', async () => {
    const hanging = (reconcile?: 'not_executed' | 'unknown') =>
      defineTool({
        name: 'pay',
        description: 'Pays.',
        input: z.object({ amount: z.number() }),
        output: z.object({ receipt: z.string() }),
        effect: 'unsafe',
        timeoutMs: 20,
        execute: () => new Promise<never>(() => {}),
        ...(reconcile ? { reconcile: async () => ({ status: reconcile }) } : {}),
      });
    const codeOf = async (tool: ReturnType<typeof hanging>) =>
      ((await runEffect(toolCall(tool), { amount: 5 })).error as { code?: string } | undefined)
        ?.code;
    expect(await codeOf(hanging())).toBe('effect.ambiguous');
    expect(await codeOf(hanging('unknown'))).toBe('effect.ambiguous');
    expect(await codeOf(hanging('not_executed'))).toBe('tool.timeout');
  });

  it('takes the approval options its type offers', () => {
    // Before: each of these compiled and threw "timeoutMs is not an option".
    expect(() => toolCall(pay, { approval: 'always', timeoutMs: 3_600_000 })).not.toThrow();
    expect(() => toolCall(pay, { approval: 'always', validForMs: 60_000 })).not.toThrow();
    expect(() =>
      toolCall(pay, { approval: 'always', prompt: ({ tool }) => `Pay with ${tool}?` }),
    ).not.toThrow();
  });

  it('refuses what it could not run, where it is given', () => {
    for (const [tool, options, message] of [
      // Before: taken as 'tool', silently.
      [pay, { approval: 'never' }, /approval is the string "never"\. Give 'tool'/],
      [
        pay,
        { approval: 'always', prompt: 'Pay?' },
        /prompt is the string "Pay\?"\. Give a function/,
      ],
      [pay, { timeoutMs: -1 }, /timeoutMs is -1/],
      [pay, { aproval: 'always' }, /aproval is not an option; did you mean approval\?/],
      // Before: accepted; the run's onError got a TypeError (reading 'safeParse').
      [{ name: 'pay', execute: async () => ({}) }, {}, /not a tool made with defineTool/],
      [undefined, {}, /the tool is nothing, not a tool made with defineTool/],
    ] as const) {
      expect(() => toolCall(tool as never, options as never)).toThrow(
        expect.objectContaining({
          code: 'definition.invalid_option',
          message: expect.stringMatching(message),
        }),
      );
    }
  });

  it('validates input before executing and passes a stable idempotency key', async () => {
    const keys: string[] = [];
    const send = defineTool({
      name: 'send',
      description: 'Sends a message.',
      input: z.object({ to: z.email() }),
      output: z.object({ id: z.string() }),
      effect: 'unsafe',
      execute: async (_input, { idempotencyKey }) => {
        keys.push(idempotencyKey);
        return { id: 'm1' };
      },
    });
    expect((await runEffect(toolCall(send), { to: 'a@b.co' })).output).toEqual({ id: 'm1' });
    const invalid = await runEffect(toolCall(send), { to: 'not an email' });
    expect(invalid.error.code).toBe('tool.invalid_arguments');
    expect(invalid.error.issues[0].path).toEqual(['to']);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^.+:effect-under-test\.running:invocation\[0\]|#0\/0:tool:send$/);
  });

  it('fails with tool.invalid_output when the tool breaks its output contract', async () => {
    const broken = defineTool({
      name: 'broken',
      description: 'Returns the wrong shape.',
      input: z.object({}),
      output: z.object({ total: z.number() }),
      effect: 'pure',
      execute: async () => ({ total: 'many' }) as never,
    });
    const { error } = await runEffect(toolCall(broken), {});
    expect(error.code).toBe('tool.invalid_output');
    expect(error.issues[0].path).toEqual(['total']);
    // The message says which field is wrong: in a tool loop it is what the model reads, and
    // what a log shows, where `issues` is not.
    expect(error.message).toMatch(/does not match its output schema \(total: .*number.*\)\. Fix/);
    expect(error.message).not.toContain('many');
  });

  it('fails with tool.invalid_output, not an internal error, when the output is not JSON', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const outputs: [string, unknown][] = [
      ['a BigInt', { total: 10n }],
      ['a circular object', circular],
      ['a function', () => 1],
    ];
    for (const [, value] of outputs) {
      const odd = defineTool({
        name: 'odd',
        description: 'Returns what JSON cannot hold.',
        input: z.object({}),
        output: z.any(),
        effect: 'unsafe',
        approval: 'never',
        execute: async () => value,
      });
      const checkpointer = new SqliteCheckpointer({ path: ':memory:' });
      const { error, outcome } = await runEffect(toolCall(odd), {}, { checkpointer });
      expect(outcome.status).toBe('done');
      expect(error.code).toBe('tool.invalid_output');
      expect(error.message).toContain('JSON cannot hold');
    }
  });

  it('fails with tool.invalid_output when the output would come back otherwise from its JSON on resume', async () => {
    const outputs: [unknown, string][] = [
      [{ when: new Date(0) }, '.when (a Date)'],
      [{ seen: new Map([['a', 1]]) }, '.seen (a Map)'],
      [{ tags: ['a', undefined] }, '.tags[1] (undefined, null in JSON)'],
    ];
    for (const [value, where] of outputs) {
      const odd = defineTool({
        name: 'odd',
        description: 'Returns what JSON changes.',
        input: z.object({}),
        output: z.any(),
        effect: 'pure',
        execute: async () => value,
      });
      const { error, outcome } = await runEffect(toolCall(odd), {});
      expect(outcome.status).toBe('done');
      expect(error.code).toBe('tool.invalid_output');
      expect(error.message).toContain(`at ${where}`);
    }
    // Plain data passes, an absent optional field included.
    const plain = defineTool({
      name: 'plain',
      description: 'Returns plain data.',
      input: z.object({}),
      output: z.object({ at: z.string(), note: z.string().optional() }),
      effect: 'pure',
      execute: async () => ({ at: new Date(0).toISOString(), note: undefined }),
    });
    expect((await runEffect(toolCall(plain), {})).output).toEqual({
      at: '1970-01-01T00:00:00.000Z',
    });
  });

  it('keeps the answer of an execute that returns without a promise, and runs it once', async () => {
    let runs = 0;
    const add = defineTool({
      name: 'add',
      description: 'Adds two numbers.',
      input: z.object({ a: z.number(), b: z.number() }),
      output: z.object({ sum: z.number() }),
      effect: 'unsafe',
      approval: 'never',
      // A plain JavaScript function: what a user without types may well write.
      execute: (({ a, b }: { a: number; b: number }) => {
        runs++;
        return { sum: a + b };
      }) as never,
    });
    const { output, error } = await runEffect(toolCall(add), { a: 2, b: 3 });
    expect(error).toBeUndefined();
    expect(output).toEqual({ sum: 5 });
    expect(runs).toBe(1);
  });

  it('says what a tool threw when it is not an Error, not "[object Object]"', async () => {
    const thrown: [unknown, string][] = [
      [{ status: 404 }, '{"status":404}'],
      [null, 'null'],
      ['backend down', 'backend down'],
    ];
    for (const [value, shown] of thrown) {
      const odd = defineTool({
        name: 'odd',
        description: 'Throws what is not an Error.',
        input: z.object({}),
        output: z.object({}),
        effect: 'pure',
        execute: async () => {
          throw value;
        },
      });
      const { error } = await runEffect(toolCall(odd), {});
      expect(error.code).toBe('tool.failed');
      expect(error.message).toContain(shown);
      expect(error.message).not.toContain('[object Object]');
    }
  });

  it('says what the causes of an error a tool threw say, and what an error without a message holds', async () => {
    // Node's fetch says only "fetch failed"; which failure it was is in its cause. Connecting to
    // `localhost` on both of its addresses fails with an AggregateError without a message.
    const refused = (port: number) =>
      Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED' });
    const thrown: [unknown, string][] = [
      [
        new TypeError('fetch failed', { cause: refused(8080) }),
        'failed: fetch failed, caused by: connect ECONNREFUSED 127.0.0.1:8080',
      ],
      [
        Object.assign(new AggregateError([refused(1), refused(2)], ''), { code: 'ECONNREFUSED' }),
        'failed: connect ECONNREFUSED 127.0.0.1:1; connect ECONNREFUSED 127.0.0.1:2',
      ],
      [new Error(''), 'failed: Error with no message'],
      [
        new Error('upstream: timeout', { cause: new Error('timeout') }),
        'failed: upstream: timeout',
      ],
    ];
    for (const [value, shown] of thrown) {
      const api = defineTool({
        name: 'api',
        description: 'Calls an API.',
        input: z.object({}),
        output: z.object({}),
        effect: 'pure',
        execute: async () => {
          throw value;
        },
      });
      const { error } = await runEffect(toolCall(api), {});
      expect(error.code).toBe('tool.failed');
      expect(error.message).toBe(`Tool "api" ${shown}`);
    }
  });

  it("keeps a few pages of a huge message a tool threw: in its event, the journal and a failed run's checkpoint", async () => {
    // Before: a 1 MB message was stored whole in the failed run's snapshot and emitted whole.
    const flaky = defineTool({
      name: 'flaky',
      description: 'Quotes its upstream in its error.',
      input: z.object({}),
      output: z.string(),
      effect: 'pure',
      execute: async () => {
        throw new Error(`upstream said: ${'x'.repeat(1_000_000)}`);
      },
    });
    const machine = setup({ actors: { call: toolCall(flaky) } }).createMachine({
      id: 'flaky',
      initial: 'calling',
      states: {
        calling: { invoke: { src: 'call', input: {}, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const agent = createAgent({ machine, checkpointer: new MemoryCheckpointer() });
    const events: string[] = [];
    agent.events.on('tool.call.error', (event) => events.push(JSON.stringify(event)));
    const outcome = await agent.run({ threadId: 't', input: {} });
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'tool.failed' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toContain('(992015 more characters cut)');
    expect(events[0]!.length).toBeLessThan(10_000);
    expect(JSON.stringify(await agent.getCheckpoint('t')).length).toBeLessThan(20_000);
    expect(JSON.stringify(await agent.journal('t')).length).toBeLessThan(10_000);
    await agent.close();
  });

  it('cuts a huge thrown message before a secret it would split, never inside it', async () => {
    const secret = 'tok_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    // The 8,000-character cut falls 20 characters into the secret.
    const thrown = `${'x'.repeat(7_980)}${secret}${'y'.repeat(10_000)}`;
    const leaky = defineTool({
      name: 'leaky',
      description: 'Quotes a secret in its error.',
      input: z.object({}),
      output: z.string(),
      effect: 'pure',
      execute: async () => {
        throw new Error(thrown);
      },
    });
    const machine = setup({ actors: { call: toolCall(leaky) } }).createMachine({
      id: 'leaky',
      initial: 'calling',
      states: {
        calling: { invoke: { src: 'call', input: {}, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const agent = createAgent({
      machine,
      checkpointer: new MemoryCheckpointer(),
      redact: { secrets: [secret] },
    });
    const events: string[] = [];
    agent.events.on('tool.call.error', (event) => events.push(JSON.stringify(event)));
    expect(await agent.run({ threadId: 't', input: {} })).toMatchObject({ status: 'failed' });
    const stored = JSON.stringify([
      events,
      await agent.getCheckpoint('t'),
      await agent.journal('t'),
    ]);
    expect(stored).toContain('more characters cut');
    expect(stored).not.toContain(secret.slice(0, 12));
    await agent.close();
  });

  it('times out a tool that ignores its signal, and aborts the signal it was given', async () => {
    let aborted = false;
    const slow = defineTool({
      name: 'slow',
      description: 'Never finishes.',
      input: z.object({}),
      output: z.object({}),
      effect: 'pure',
      timeoutMs: 20,
      execute: (_input, { signal }) => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        return new Promise(() => {});
      },
    });
    const { error } = await runEffect(toolCall(slow), {});
    expect(error.code).toBe('tool.timeout');
    expect(aborted).toBe(true);
  });

  it('makes one abort controller per call (the one its tool is given), none for its effect', async () => {
    const made: AbortController[] = [];
    const Native = globalThis.AbortController;
    vi.stubGlobal(
      'AbortController',
      class extends Native {
        constructor() {
          super();
          made.push(this);
        }
      },
    );
    let given: AbortSignal | undefined;
    const add = defineTool({
      name: 'add',
      description: 'Adds one.',
      input: z.object({ a: z.number() }),
      output: z.object({ sum: z.number() }),
      effect: 'pure',
      execute: async ({ a }, { signal }) => {
        given = signal;
        return { sum: a + 1 };
      },
    });
    try {
      expect((await runEffect(toolCall(add), { a: 1 })).output).toEqual({ sum: 2 });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(made.map((controller) => controller.signal)).toEqual([given]);
  });

  it('arms a timeout timer only for a call that did not answer at once', async () => {
    const armed: number[] = [];
    const clock: Clock = {
      ...systemClock,
      setTimeout: (callback, ms) => {
        armed.push(ms);
        return systemClock.setTimeout(callback, ms);
      },
    };
    const tool = (name: string, execute: () => Promise<Record<string, never>>) =>
      defineTool({
        name,
        description: 'Answers.',
        input: z.object({}),
        output: z.object({}),
        effect: 'pure',
        timeoutMs: 54_321,
        execute,
      });
    const quick = await runEffect(toolCall(tool('quick', async () => ({}))), {}, { clock });
    expect(quick.output).toEqual({});
    expect(armed.filter((ms) => ms > 50_000)).toEqual([]);
    const later = tool('later', () => new Promise((resolve) => setTimeout(() => resolve({}), 5)));
    expect((await runEffect(toolCall(later), {}, { clock })).output).toEqual({});
    expect(armed.filter((ms) => ms > 50_000)).toHaveLength(1);
    expect(armed.find((ms) => ms > 50_000)).toBeLessThanOrEqual(54_321);
  });
});

describe('toolCall with output nested thousands of levels deep', () => {
  const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
  const deepObject = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

  it.each([
    ['any output', 2_000, z.any()],
    ['any output', 200_000, z.any()],
    ['an invalid output', 2_000, z.object({ a: z.string() })],
    ['an invalid output', 5_000, z.object({ a: z.string() })],
  ])(
    'fails %s nested %i levels deep with tool.output_too_deep, the thread done, not running',
    async (_what, depth, output) => {
      const stores = tempStores();
      const fetchPage = defineTool({
        name: 'fetch_page',
        description: 'Returns what a web page says.',
        input: z.object({}),
        output,
        effect: 'pure',
        execute: async () => (depth % 2 === 0 ? deepObject(depth) : nested(depth)),
      });
      const machine = effectMachine(toolCall(fetchPage), {});
      const agent = createAgent({ machine, checkpointer: stores.open() });
      // Before: 2,000 levels failed the run with "Maximum call stack size exceeded" or a
      // circular-structure error as the checkpoint was written; 5,000 and more were a
      // tool.invalid_output that named a stack overflow.
      const outcome = await agent.start({ threadId: 'deep', input: {} }).result();
      expect(outcome).toMatchObject({
        status: 'done',
        output: {
          error: {
            code: 'tool.output_too_deep',
            message: expect.stringContaining('more than 256 levels deep'),
            details: { tool: 'fetch_page', maxDepth: 256 },
          },
        },
      });
      expect((await agent.getCheckpoint('deep'))?.run.status).toBe('done');
      await agent.close();
      stores.cleanup();
    },
  );

  it('keeps output nested 256 levels deep', async () => {
    const fine = defineTool({
      name: 'fine',
      description: 'Returns a deep but bounded list.',
      input: z.object({}),
      output: z.any(),
      effect: 'pure',
      execute: async () => nested(256),
    });
    expect((await runEffect(toolCall(fine), {})).output).toEqual(nested(256));
  });
});
