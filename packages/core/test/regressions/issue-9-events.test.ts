/**
 * Issue 9 — one event stream: every declared run event type is emitted somewhere, the
 * policy's breaker changes and fallbacks reach `agent.events`, and `run.end` is typed.
 */
import {
  agentActor,
  createAgent,
  defineTool,
  humanWait,
  MemoryCheckpointer,
  ModelCallError,
  type RunEvent,
  type RunEventType,
  structuredCall,
  toolCall,
  toolLoop,
} from '@agentchart/core';
import { runEventTypes } from '@agentchart/core/internal';
import { createReliabilityPolicy } from '@agentchart/core/reliability';
import { createGuard } from '@agentchart/core/security';
import { manualClock, scriptedModel } from '@agentchart/core/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type AnyActorLogic, emit, setup } from 'xstate';
import { z } from 'zod';

const seen = new Set<RunEventType>();
const record = (event: RunEvent) => seen.add(event.type);

const triage = structuredCall({
  model: 'fast',
  schema: z.object({ team: z.enum(['billing', 'tech']) }),
  prompt: (text: string) => `Triage: ${text}`,
});

function oneEffect(effect: AnyActorLogic, input: unknown) {
  return setup({ actors: { effect } }).createMachine({
    id: 'one-effect',
    initial: 'working',
    states: {
      working: { invoke: { src: 'effect', input: () => input, onDone: 'done', onError: 'failed' } },
      done: { type: 'final' },
      failed: { type: 'final' },
    },
  });
}

describe('the run event stream (issue 9)', () => {
  it('streams a re-asked structured call with tokens, ledger, states and checkpoints', async () => {
    const model = scriptedModel({
      responses: [{ json: { team: 'sales' } }, { json: { team: 'billing' } }],
    });
    const machine = oneEffect(triage, 'charged twice');
    const agent = createAgent({ machine, models: { fast: model } });
    agent.events.onAny(record);
    agent.events.on('llm.token', () => undefined);
    const ends: RunEvent<'run.end'>[] = [];
    agent.events.on('run.end', (event) => ends.push(event));
    expect((await agent.run({ input: undefined })).status).toBe('done');
    expectTypeOf(ends[0]!.status).toEqualTypeOf<'done' | 'failed' | 'limit' | 'stopped'>();
    expect(ends[0]).toMatchObject({ status: 'done', usage: { modelCalls: 2 } });
  });

  it('streams tool calls: invalid, ended and failed', async () => {
    const lookup = defineTool({
      name: 'lookup',
      description: 'Looks a customer up.',
      input: z.object({ id: z.string() }),
      output: z.object({ name: z.string() }),
      effect: 'pure',
      execute: async ({ id }) => {
        if (id === 'broken') throw new Error('no such customer');
        return { name: `customer ${id}` };
      },
    });
    const model = scriptedModel({
      responses: [
        { toolCalls: [{ name: 'lookup', arguments: { id: 7 } }] },
        {
          toolCalls: [
            { name: 'lookup', arguments: { id: 'c-1' } },
            { name: 'lookup', arguments: { id: 'broken' } },
          ],
        },
        'Done.',
      ],
    });
    const loop = toolLoop({ model: 'fast', tools: [lookup], prompt: () => 'Look up c-1.' });
    const agent = createAgent({
      machine: oneEffect(loop, undefined),
      models: { fast: model },
    });
    agent.events.onAny(record);
    expect((await agent.run({ input: undefined })).status).toBe('done');
  });

  it('streams human waits and replies, and replayed effects', async () => {
    const approve = humanWait({ prompt: () => 'Approve?', reply: z.object({ ok: z.boolean() }) });
    const machine = setup({ actors: { triage, approve } }).createMachine({
      id: 'wait',
      initial: 'triaging',
      states: {
        triaging: { invoke: { src: 'triage', input: 'x', onDone: 'approving' } },
        approving: { invoke: { src: 'approve', onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const checkpointer = new MemoryCheckpointer();
    const model = scriptedModel({ handler: () => ({ json: { team: 'tech' } }) });
    const agent = createAgent({ machine, models: { fast: model }, checkpointer });
    agent.events.onAny(record);
    expect((await agent.run({ threadId: 't', input: undefined })).status).toBe('waiting');
    const handle = await agent.send('t', { type: 'human.reply', value: { ok: true } });
    expect((await handle.result()).status).toBe('done');
    await agent.replay('t', { onEvent: record });
  });

  it('streams a reached limit', async () => {
    const model = scriptedModel({ handler: () => ({ json: { team: 'tech' } }) });
    const agent = createAgent({
      machine: oneEffect(triage, 'x'),
      models: { fast: model },
      limits: { maxModelCalls: 0 },
    });
    agent.events.onAny(record);
    expect((await agent.run({ input: undefined })).status).toBe('limit');
  });

  it('streams retries, a fallback, a breaker change and a failed call on agent.events', async () => {
    const unavailable = () => ({
      error: new ModelCallError({
        kind: 'server_error',
        endpoint: 'scripted:primary',
        status: 503,
        message: 'unavailable',
      }),
    });
    const primary = scriptedModel({ modelName: 'primary', handler: unavailable });
    const backup = scriptedModel({
      modelName: 'backup',
      handler: () => ({ json: { team: 'billing' } }),
    });
    const clock = manualClock(0);
    const modelPolicy = createReliabilityPolicy({
      clock,
      random: () => 0,
      baseDelayMs: 1,
      maxAttempts: 2,
      breaker: { minimumRequests: 1, failureRateThreshold: 0.5 },
    });
    const agent = createAgent({
      machine: oneEffect(triage, 'x'),
      models: { fast: [primary, backup] },
      modelPolicy,
      clock,
    });
    const fallbacks: RunEvent<'llm.call.fallback'>[] = [];
    agent.events.onAny(record);
    agent.events.on('llm.call.fallback', (event) => fallbacks.push(event));
    const handle = agent.start({ threadId: 'f', input: undefined });
    await clock.advance(10);
    expect((await handle.result()).status).toBe('done');
    expect(fallbacks[0]).toMatchObject({
      threadId: 'f',
      from: 'scripted:primary',
      to: 'scripted:backup',
    });
    // A transient failure is retried.
    const flaky = scriptedModel({
      responses: [unavailable(), { json: { team: 'tech' } }],
    });
    const retrying = createAgent({
      machine: oneEffect(triage, 'x'),
      models: { fast: flaky },
      modelPolicy: createReliabilityPolicy({ clock, random: () => 0, baseDelayMs: 1 }),
      clock,
    });
    retrying.events.onAny(record);
    const retried = retrying.start({ input: undefined });
    await clock.advance(10);
    expect((await retried.result()).status).toBe('done');
    // A fatal error with no fallback left is an llm.call.error.
    const fatal = scriptedModel({
      handler: () => ({
        error: new ModelCallError({
          kind: 'bad_request',
          endpoint: 'scripted:scripted',
          status: 400,
          message: 'bad',
        }),
      }),
    });
    const failing = createAgent({
      machine: oneEffect(triage, 'x'),
      models: { fast: fatal },
    });
    failing.events.onAny(record);
    expect((await failing.run({ input: undefined })).status).toBe('done');
  });

  it('streams an ambiguous unsafe call, a warning and a listener error', async () => {
    const pay = defineTool({
      name: 'pay',
      description: 'Pays.',
      input: z.object({}),
      output: z.object({}),
      effect: 'unsafe',
      timeoutMs: 5,
      execute: () => new Promise<Record<string, never>>(() => undefined),
    });
    const clock = manualClock(0);
    // A model that names no context window: the run plans against an assumed one, and says so.
    const anonymous = {
      ...scriptedModel({ handler: () => ({ json: { team: 'tech' } }) }),
      metadata: undefined,
    };
    const machine = setup({ actors: { pay: toolCall(pay), triage } }).createMachine({
      id: 'edge',
      initial: 'triaging',
      states: {
        triaging: { invoke: { src: 'triage', input: 'x', onDone: 'paying' } },
        paying: { invoke: { src: 'pay', input: {}, onDone: 'done', onError: 'done' } },
        done: { type: 'final' },
      },
    });
    const agent = createAgent({ machine, models: { fast: anonymous }, clock });
    agent.events.onAny(record);
    agent.events.on('listener.error', record);
    agent.events.on('state.enter', () => {
      throw new Error('a broken listener');
    });
    const handle = agent.start({ input: undefined });
    await clock.advance(10);
    expect((await handle.result()).status).toBe('done');
  });

  it('a child agent is one effect of its parent', async () => {
    const child = oneEffect(triage, 'x');
    const parent = setup({
      actors: { child: agentActor({ machine: child, input: z.undefined(), output: z.unknown() }) },
    }).createMachine({
      id: 'parent',
      initial: 'delegating',
      states: {
        delegating: { invoke: { src: 'child', input: undefined, onDone: 'done' } },
        done: { type: 'final' },
      },
    });
    const model = scriptedModel({ handler: () => ({ json: { team: 'tech' } }) });
    const agent = createAgent({ machine: parent, models: { fast: model } });
    agent.events.onAny(record);
    expect((await agent.run({ input: undefined })).status).toBe('done');
  });

  it('streams an approval asked and answered, and a guard that blocks', async () => {
    const send = defineTool({
      name: 'send',
      description: 'Sends.',
      input: z.object({ to: z.string() }),
      output: z.object({}),
      effect: 'unsafe',
      approval: 'always',
      execute: async () => ({}),
    });
    const model = scriptedModel({
      responses: [{ toolCalls: [{ name: 'send', arguments: { to: 'ada' } }] }, 'Sent.'],
    });
    const loop = toolLoop({ model: 'fast', tools: [send], prompt: () => 'Send it.' });
    const agent = createAgent({ machine: oneEffect(loop, undefined), models: { fast: model } });
    agent.events.onAny(record);
    const handle = agent.start({ input: undefined });
    expect((await handle.result()).status).toBe('waiting');
    handle.reply({ approved: true });
    expect((await handle.result()).status).toBe('done');
    const guarded = createAgent({
      machine: oneEffect(triage, 'x'),
      models: { fast: scriptedModel({ handler: () => ({ json: { team: 'tech' } }) }) },
      middleware: [createGuard({ name: 'nothing-passes', input: () => ({ block: 'closed' }) })],
    });
    guarded.events.onAny(record);
    expect((await guarded.run({ input: undefined })).status).toBe('done');
  });

  it("passes on what the chart emits, which only the run's actor heard before, but not in a replay", async () => {
    const machine = setup({
      types: { emitted: {} as { type: 'progress'; step: number } },
      actors: { triage },
    }).createMachine({
      id: 'emitting',
      initial: 'working',
      states: {
        working: {
          entry: emit({ type: 'progress', step: 1 }),
          invoke: { src: 'triage', input: () => 'printer', onDone: 'done' },
        },
        done: { type: 'final', entry: emit({ type: 'progress', step: 2 }) },
      },
    });
    const agent = createAgent({
      machine,
      models: { fast: scriptedModel({ handler: () => ({ json: { team: 'tech' } }) }) },
    });
    agent.events.onAny(record);
    const emitted: unknown[] = [];
    agent.events.on('chart.emit', ({ threadId, event }) => emitted.push({ threadId, event }));
    expect((await agent.run({ threadId: 'e', input: undefined })).status).toBe('done');
    // Before: nothing; an XState `emit` reached no listener of the harness's actor.
    expect(emitted).toEqual([
      { threadId: 'e', event: { type: 'progress', step: 1 } },
      { threadId: 'e', event: { type: 'progress', step: 2 } },
    ]);
    await agent.replay('e');
    expect(emitted).toHaveLength(2);
  });

  it('emitted every declared event type across these runs', () => {
    expect(runEventTypes.filter((type) => !seen.has(type))).toEqual([]);
  });
});
