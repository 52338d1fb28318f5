/**
 * Issue 9 — defaults a production user expects (retries and timeouts on by default, options
 * that make no sense refused), and effects that cannot lie (a refused or truncated answer is
 * a typed failure; an unsafe tool that times out is ambiguous, never retried by the model).
 */
import {
  createAgent,
  DefinitionError,
  defineTool,
  ModelCallError,
  structuredCall,
  toolLoop,
} from '@agentchart/core';
import { manualClock, scriptedModel } from '@agentchart/core/testing';
import { describe, expect, it } from 'vitest';
import { type AnyActorLogic, assign, setup } from 'xstate';
import { z } from 'zod';

function oneEffect(effect: AnyActorLogic) {
  return setup({ actors: { effect } }).createMachine({
    id: 'one-effect',
    initial: 'working',
    states: {
      working: {
        invoke: {
          src: 'effect',
          onDone: 'done',
          onError: {
            target: 'failed',
            actions: assign({ error: ({ event }) => event.error as { code?: string } }),
          },
        },
      },
      done: { type: 'final' },
      failed: { type: 'final' },
    },
    context: {} as { error?: { code?: string } },
    output: ({ context }) => context.error?.code ?? 'ok',
  });
}

const triage = structuredCall({
  model: 'fast',
  schema: z.object({ team: z.string() }),
  prompt: () => 'Triage.',
});

describe('defaults (issue 9)', () => {
  it('retries a 503 by default: one transient failure does not fail the run', async () => {
    const unavailable = new ModelCallError({
      kind: 'server_error',
      endpoint: 'scripted:scripted',
      status: 503,
      message: 'unavailable',
    });
    const model = scriptedModel({
      responses: [{ error: unavailable }, { json: { team: 'tech' } }],
    });
    const clock = manualClock(0);
    const handle = createAgent({
      machine: oneEffect(triage),
      models: { fast: model },
      clock,
    }).start({ input: undefined });
    await clock.advance(60_000);
    expect(await handle.result()).toMatchObject({ status: 'done', output: 'ok' });
    expect(model.requests).toHaveLength(2);
  });

  it('does not hang on a stalled endpoint by default: attempts time out, the call ends at its deadline', async () => {
    const clock = manualClock(0);
    const stalled = scriptedModel({
      handler: () => ({ json: { team: 'x' }, latencyMs: 10 * 60_000 }),
      clock,
    });
    const handle = createAgent({
      machine: oneEffect(triage),
      models: { fast: stalled },
      clock,
    }).start({ input: undefined });
    for (let minute = 0; minute < 6; minute++) await clock.advance(60_000);
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ status: 'done' });
    expect(['model.timeout', 'model.deadline_exceeded']).toContain(
      (outcome as { output: string }).output,
    );
  });

  it.each([
    ['timeoutMs 2^31', { timeoutMs: 2 ** 31 }],
    ['timeoutMs Infinity', { timeoutMs: Number.POSITIVE_INFINITY }],
    ['timeoutMs NaN', { timeoutMs: Number.NaN }],
  ])('refuses a tool with %s at definition time', (_label, options) => {
    expect(() =>
      defineTool({
        name: 'tool',
        description: 'A tool.',
        input: z.object({}),
        output: z.object({}),
        effect: 'pure',
        execute: async () => ({}),
        ...options,
      }),
    ).toThrow(DefinitionError);
  });

  it.each([
    ['maxSteps: Infinity', { maxSteps: Number.POSITIVE_INFINITY }],
    ['maxSteps: 0', { maxSteps: 0 }],
    ['maxRepeats: 0', { maxRepeats: 0 }],
    ['maxInvalidCalls: -1', { maxInvalidCalls: -1 }],
    ['maxToolOutputTokens: 0', { maxToolOutputTokens: 0 }],
  ])('refuses a tool loop with %s at definition time', (_label, options) => {
    expect(() => toolLoop({ model: 'fast', tools: [], prompt: () => 'x', ...options })).toThrow(
      DefinitionError,
    );
  });
});

describe('effects that cannot lie (issue 9)', () => {
  it.each([
    [
      'a refusal',
      { content: '', refusal: 'I cannot help with that.', finishReason: 'refusal' as const },
      'output.refused',
    ],
    [
      'a truncated answer',
      { content: 'The answer is', finishReason: 'length' as const },
      'output.truncated',
    ],
  ])(
    "fails a tool loop's %s with a typed error instead of returning it as success",
    async (_label, answer, code) => {
      const model = scriptedModel({ responses: [answer] });
      const loop = toolLoop({ model: 'fast', tools: [], prompt: () => 'Answer.' });
      const outcome = await createAgent({ machine: oneEffect(loop), models: { fast: model } }).run({
        input: undefined,
      });
      expect(outcome).toMatchObject({ status: 'done', output: code });
    },
  );

  it('routes an unsafe tool that times out to the chart as ambiguous: the model never pays twice', async () => {
    const clock = manualClock(0);
    let payments = 0;
    const pay = defineTool({
      name: 'pay',
      description: 'Pays an invoice.',
      input: z.object({ amount: z.number() }),
      output: z.object({ paid: z.boolean() }),
      effect: 'unsafe',
      timeoutMs: 1_000,
      // The payment goes through, but the answer never comes back in time.
      execute: () => {
        payments++;
        return new Promise<{ paid: boolean }>(() => undefined);
      },
    });
    const model = scriptedModel({
      // A model that would pay again on seeing the timeout.
      handler: () => ({ toolCalls: [{ name: 'pay', arguments: { amount: 100 } }] }),
    });
    const loop = toolLoop({ model: 'fast', tools: [pay], prompt: () => 'Pay 100.' });
    const handle = createAgent({ machine: oneEffect(loop), models: { fast: model }, clock }).start({
      input: undefined,
    });
    await clock.advance(5_000);
    expect(await handle.result()).toMatchObject({ status: 'done', output: 'effect.ambiguous' });
    expect(payments).toBe(1);
    expect(model.requests).toHaveLength(1);
  });
});
