import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { tempStores } from '../../test/fixtures/temp-stores';
import { createAgent } from '../agent/create-agent';
import type { Clock } from '../clock/clock';
import { humanWait } from '../effects/human-wait';
import { structuredCall } from '../effects/structured-call';
import { toolLoop } from '../effects/tool-loop';
import { ModelCallError } from '../model/model-call-error';
import type { LimitInfo, RunLimits } from '../run/types';
import { MemoryCheckpointer } from '../store/memory-checkpointer';
import type { Checkpointer } from '../store/types';
import { createTenantQuota } from '../tenancy/create-tenant-quota';
import type { TenantQuota } from '../tenancy/types';
import { manualClock } from '../testing/manual-clock';
import { scriptedModel } from '../testing/scripted-model';
import { defineTool } from '../tools/define-tool';

const clock = defineTool({
  name: 'clock',
  description: 'The time.',
  input: z.object({}),
  output: z.string(),
  effect: 'pure',
  trustedOutput: true,
  execute: async () => '12:00',
});

/**
 * A tool loop whose model asks for the time once, then answers: two model calls, each well
 * under 500 tokens and $0.0001 as sent (a 20-token output cap) but billed 1,010 tokens.
 */
function twoCallAgent(
  limits: RunLimits,
  checkpointer: Checkpointer = new MemoryCheckpointer(),
  quota?: TenantQuota,
  time?: Clock,
) {
  const model = scriptedModel({
    handler: (request) =>
      request.messages.some((message) => message.role === 'tool')
        ? { content: 'It is noon.', usage: { inputTokens: 1_000, outputTokens: 10 } }
        : {
            toolCalls: [{ name: 'clock', arguments: {} }],
            usage: { inputTokens: 1_000, outputTokens: 10 },
          },
  });
  const machine = setup({
    actors: {
      loop: toolLoop({
        model: 'fast',
        tools: [clock],
        prompt: () => 'What time is it?',
        maxOutputTokens: 20,
      }),
    },
  }).createMachine({
    id: 'two-calls',
    initial: 'asking',
    states: { asking: { invoke: { src: 'loop', onDone: 'done' } }, done: { type: 'final' } },
  });
  const agent = createAgent({
    machine,
    models: { fast: model },
    checkpointer,
    limits,
    ...(quota ? { quota } : {}),
    ...(time ? { clock: time } : {}),
  });
  return { agent, model };
}

describe('limitsStep', () => {
  it('counts calls in flight: parallel states of one run do not each spend what is left', async () => {
    const model = scriptedModel({ handler: () => ({ json: { ok: true }, latencyMs: 5 }) });
    const ask = structuredCall({
      model: 'fast',
      schema: z.object({ ok: z.boolean() }),
      prompt: () => 'Go?',
    });
    const branch = {
      initial: 'asking',
      states: { asking: { invoke: { src: 'ask', onDone: 'asked' } }, asked: { type: 'final' } },
    } as const;
    const machine = setup({ actors: { ask } }).createMachine({
      id: 'side-by-side',
      type: 'parallel',
      states: { a: branch, b: branch, c: branch },
    });
    const agent = createAgent({ machine, models: { fast: model }, limits: { maxModelCalls: 2 } });
    const outcome = await agent.run({ input: undefined });
    // All three were judged against 0 calls used, and all three were sent.
    expect(model.requests).toHaveLength(2);
    expect(outcome).toMatchObject({ status: 'limit', limit: { limit: 'maxModelCalls', value: 3 } });
  });

  // What RunLimits and concepts.md say (ADR 0072): a limit used up exactly lets the run go on
  // without calling again; the call that would pass it is refused before it is sent.
  it('lets a run that used its maxModelCalls up go on without calling again, and refuses the next call', async () => {
    const model = scriptedModel({ handler: () => ({ json: { ok: true } }) });
    const ask = structuredCall({
      model: 'fast',
      schema: z.object({ ok: z.boolean() }),
      prompt: () => 'Go?',
    });
    const machine = setup({
      actors: { ask, review: humanWait({ prompt: () => 'Right?', reply: z.boolean() }) },
    }).createMachine({
      id: 'ask-then-review',
      initial: 'asking',
      states: {
        asking: { invoke: { src: 'ask', onDone: 'reviewing' } },
        reviewing: {
          invoke: {
            src: 'review',
            onDone: [{ guard: ({ event }) => event.output, target: 'done' }, { target: 'asking' }],
          },
        },
        done: { type: 'final' },
      },
    });
    const agent = createAgent({ machine, models: { fast: model }, limits: { maxModelCalls: 1 } });
    // Before: `limit` right after the one call, though the chart only went on to ask a person.
    expect(await agent.run({ threadId: 'ok', input: undefined })).toMatchObject({
      status: 'waiting',
    });
    const done = await agent.send('ok', { type: 'human.reply', value: true });
    expect(await done.result()).toMatchObject({ status: 'done', usage: { modelCalls: 1 } });
    // A second call is refused before it is sent.
    await agent.run({ threadId: 'again', input: undefined });
    const again = await agent.send('again', { type: 'human.reply', value: false });
    expect(await again.result()).toMatchObject({
      status: 'limit',
      limit: { limit: 'maxModelCalls', value: 2, max: 1 },
      usage: { modelCalls: 1 },
    });
    await agent.close();
  });

  it('does not end a wrap-up for the other calls of a burst refused before it began', async () => {
    const model = scriptedModel({ handler: () => ({ json: { ok: true }, latencyMs: 5 }) });
    const ask = structuredCall({
      model: 'fast',
      schema: z.object({ ok: z.boolean() }),
      prompt: () => 'Go?',
    });
    const branch = {
      initial: 'asking',
      states: { asking: { invoke: { src: 'ask', onDone: 'asked' } }, asked: { type: 'final' } },
    } as const;
    const machine = setup({ actors: { ask } }).createMachine({
      id: 'burst',
      initial: 'working',
      states: {
        working: {
          type: 'parallel',
          states: { a: branch, b: branch, c: branch },
          on: { 'limit.reached': 'wrappingUp' },
        },
        wrappingUp: { invoke: { src: 'ask', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const agent = createAgent({ machine, models: { fast: model }, limits: { maxModelCalls: 1 } });
    const seen: { limit: string; value: number }[] = [];
    agent.events.on('limit.reached', (event) => seen.push(event));

    const outcome = await agent.run({ input: undefined });

    // b and c were both refused; c's refusal, on record after b's had started the wrap-up,
    // ended the run in `limit` and cut off the wrap-up's call.
    expect(outcome.status).toBe('done');
    expect(seen).toHaveLength(1);
    expect(model.requests).toHaveLength(2);
  });

  it('projects a call at the price of its dearest model, since a fallback may answer it', async () => {
    const down = new ModelCallError({
      kind: 'server_error',
      endpoint: 'scripted:cheap',
      message: 'The server is down.',
    });
    const cheap = scriptedModel({
      modelName: 'cheap',
      metadata: { contextWindow: 100_000, pricing: { inputPerMillion: 1, outputPerMillion: 1 } },
      handler: () => ({ error: down }),
    });
    const dear = scriptedModel({
      modelName: 'dear',
      metadata: {
        contextWindow: 100_000,
        pricing: { inputPerMillion: 1_000, outputPerMillion: 2_000 },
      },
      handler: () => ({ json: { ok: true }, usage: { inputTokens: 1_000, outputTokens: 100 } }),
    });
    const machine = setup({
      actors: {
        ask: structuredCall({
          model: 'fast',
          schema: z.object({ ok: z.boolean() }),
          prompt: () => 'Go?',
        }),
      },
    }).createMachine({
      id: 'fallback',
      initial: 'asking',
      states: { asking: { invoke: { src: 'ask', onDone: 'done' } }, done: { type: 'final' } },
    });
    const agent = createAgent({
      machine,
      models: { fast: [cheap, dear] },
      limits: { maxCostUsd: 0.5 },
    });

    const outcome = await agent.run({ input: undefined });

    // Projected at the primary's price ($0.004), the call was sent, the fallback answered,
    // and the run ended done at $1.20 under a $0.50 limit.
    expect(outcome).toMatchObject({ status: 'limit', limit: { limit: 'maxCostUsd', max: 0.5 } });
    expect(outcome.usage.costUsd).toBe(0);
    expect(dear.requests).toHaveLength(0);
  });

  it.each<[string, RunLimits]>([
    ['maxModelCalls', { maxModelCalls: 1 }],
    ['maxCostUsd', { maxCostUsd: 0.0001 }],
  ])(
    'records a call %s refused as failed with run.limit_reached, never left started',
    async (_, limits) => {
      const checkpointer = new MemoryCheckpointer();
      const { agent, model } = twoCallAgent(limits, checkpointer);
      const outcome = await agent.run({ threadId: 't', input: undefined });
      expect(outcome.status).toBe('limit');
      expect(model.requests).toHaveLength(1);
      const rows = (await checkpointer.listEffectLog({ threadId: 't' })).filter(
        (row) => row.kind === 'llm',
      );
      expect(rows.map((row) => [row.status, row.errorCode])).toEqual([
        ['completed', null],
        ['failed', 'run.limit_reached'],
      ]);
      expect(rows[1]?.finishedAt).not.toBeNull();
    },
  );

  it('leaves the refusal in a SQLite run log too, read back by another connection', async () => {
    const stores = tempStores();
    try {
      const { agent } = twoCallAgent({ maxModelCalls: 1 }, stores.open());
      expect((await agent.run({ threadId: 't', input: undefined })).status).toBe('limit');
      await agent.close();
      const rows = await stores.open().listEffectLog({ threadId: 't' });
      expect(rows.filter((row) => row.kind === 'llm').map((row) => row.status)).toEqual([
        'completed',
        'failed',
      ]);
    } finally {
      stores.cleanup();
    }
  });

  // One rule for `LimitInfo.value`: a limit found before a call counts that call in full.
  it.each<[string, RunLimits, Partial<LimitInfo>]>([
    ['maxModelCalls', { maxModelCalls: 1 }, { value: 2, max: 1 }],
    ['maxTokens', { maxTokens: 500 }, { max: 500 }],
    ['maxCostUsd', { maxCostUsd: 0.0001 }, { max: 0.0001 }],
  ])('reports %s with the refused call counted, over max', async (limit, limits, expected) => {
    const { agent, model } = twoCallAgent(limits);
    const seen: { limit: string; value: number }[] = [];
    agent.events.on('limit.reached', (event) => seen.push(event));
    const outcome = await agent.run({ threadId: 't', input: undefined });
    expect(model.requests).toHaveLength(1);
    expect(outcome).toMatchObject({ status: 'limit', limit: { limit, ...expected } });
    if (outcome.status !== 'limit') return;
    expect(outcome.limit.value).toBeGreaterThan(outcome.limit.max);
    // More than what was used: the refused call's share is in it.
    const used =
      limit === 'maxTokens'
        ? outcome.usage.inputTokens + outcome.usage.outputTokens
        : limit === 'maxCostUsd'
          ? outcome.usage.costUsd
          : outcome.usage.modelCalls;
    expect(outcome.limit.value).toBeGreaterThan(used);
    expect(seen).toMatchObject([{ limit, value: outcome.limit.value }]);
  });

  it.each<[string, number]>([
    ['requestsPerDay', 1],
    ['tokensPerDay', 1_050],
  ])('reports a tenant quota %s with the refused call counted, over max', async (limit, max) => {
    const quota = createTenantQuota({ limits: { [limit]: max } });
    const { agent, model } = twoCallAgent({}, new MemoryCheckpointer(), quota);
    const outcome = await agent.run({ threadId: 't', input: undefined, tenantId: 'acme' });
    expect(model.requests).toHaveLength(1);
    expect(outcome).toMatchObject({ status: 'limit', limit: { limit, max } });
    if (outcome.status !== 'limit') return;
    const used = await quota.usage('acme');
    const counted = limit === 'requestsPerDay' ? used.requestsToday : used.tokensToday;
    expect(outcome.limit.value).toBeGreaterThan(max);
    expect(outcome.limit.value).toBeGreaterThan(counted);
  });

  it("hands a tenant quota's refusal to the state's onError, and still ends the run at a run limit", async () => {
    const ask = structuredCall({
      model: 'fast',
      schema: z.object({ ok: z.boolean() }),
      prompt: () => 'ok?',
    });
    const machine = setup({ actors: { ask } }).createMachine({
      id: 'handled',
      initial: 'asking',
      context: { error: '' },
      states: {
        asking: {
          invoke: {
            src: 'ask',
            onDone: 'done',
            onError: {
              target: 'done',
              actions: assign({ error: ({ event }) => (event.error as { code: string }).code }),
            },
          },
        },
        done: { type: 'final' },
      },
      output: ({ context }) => context.error,
    });
    const agentWith = (options: { quota?: TenantQuota; limits?: RunLimits }) =>
      createAgent({
        machine,
        models: { fast: scriptedModel({ handler: () => ({ json: { ok: true } }) }) },
        ...options,
      });
    const byQuota = agentWith({ quota: createTenantQuota({ limits: { requestsPerMinute: 0 } }) });
    const quotaOutcome = await byQuota.run({ threadId: 'q', input: undefined, tenantId: 'acme' });
    expect(quotaOutcome).toMatchObject({ status: 'done', output: 'run.limit_reached' });
    // A run limit is the thread's ceiling: the chart's onError does not take it.
    const byLimit = agentWith({ limits: { maxModelCalls: 0 } });
    const limitOutcome = await byLimit.run({ threadId: 'l', input: undefined });
    expect(limitOutcome).toMatchObject({ status: 'limit', limit: { limit: 'maxModelCalls' } });
  });

  it('paces a tenant over a per-minute quota: a call waits for the next minute, and a stop ends its wait', async () => {
    const time = manualClock(Date.UTC(2026, 0, 5, 12));
    const quota = createTenantQuota({ limits: { requestsPerMinute: 1 }, clock: time });
    const { agent, model } = twoCallAgent({}, new MemoryCheckpointer(), quota, time);
    const settle = async (until: () => boolean) => {
      for (let turn = 0; turn < 1_000 && !until(); turn++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const paced = agent.start({ threadId: 'p', input: undefined, tenantId: 'acme' });
    await settle(() => model.requests.length === 1);
    await settle(() => false);
    // The second call is over this minute's request: it waits, it does not end the run.
    expect(model.requests).toHaveLength(1);
    await time.advance(60_000);
    expect(await paced.result()).toMatchObject({ status: 'done' });
    expect(model.requests).toHaveLength(2);
    // This minute is used up again: the next run's first call waits, and a stop ends the wait.
    const stopped = agent.start({ threadId: 's', input: undefined, tenantId: 'acme' });
    await settle(() => false);
    await stopped.stop();
    expect(await stopped.result()).toMatchObject({ status: 'stopped' });
    expect(model.requests).toHaveLength(2);
    expect(await quota.usage('acme')).toMatchObject({ requestsThisMinute: 1 });
  });
});
